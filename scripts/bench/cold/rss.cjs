// Preloaded with `node -r` by the cold-start benchmark: reports the peak RSS (KiB) at exit.
process.on("exit", () => process.stderr.write(`\nMAXRSS ${process.resourceUsage().maxRSS}\n`));
