#!/usr/bin/env node
// The packed-package checks live in scripts/lint-package.mjs (publint, are-the-types-wrong, TypeScript
// consumers for node10/node16/nodenext/bundler, ESM and CJS run). Same arguments: [--build] [--keep].
await import("./lint-package.mjs");
