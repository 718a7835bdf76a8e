// Preloaded with `node -r` by the cold-start benchmark: reports the peak RSS (KiB) at exit.
// Linux: the process's own high-water mark (VmHWM). getrusage's maxRSS there also keeps the RSS of the
// process that spawned it (carried across fork and exec), so a large parent would hide the child's figure.
process.on("exit", () => {
  let kib = process.resourceUsage().maxRSS;
  try {
    kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(require("node:fs").readFileSync("/proc/self/status", "utf8"))[1]) || kib;
  } catch {}
  process.stderr.write(`\nMAXRSS ${kib}\n`);
});
