// Entry of the smoke program in Node, Bun and Deno: options as JSON in argv[2],
// results as JSON on the last line of stdout. Region and credentials come from the
// environment and the shared config files the runner prepares (the default chain).
import process from "node:process";
import { runSmoke } from "./smoke.mjs";

const results = await runSmoke(JSON.parse(process.argv[2]));
console.log(JSON.stringify(results));
