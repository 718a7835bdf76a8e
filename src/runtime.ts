// The browser build replaces this module's import with ./runtime/browser.js (see tsup.config.ts).
export { runtime, addTracing, autoTracing } from "./runtime/node.js";
