// The browser build replaces this module's import with ./runtime/browser.js (see tsup.config.ts).
export { runtime, addTracing } from "./runtime/node.js";
