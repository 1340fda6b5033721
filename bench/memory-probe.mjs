// Preloaded into the server by `bench:upload --probe` (NODE_OPTIONS=--import):
// appends process.memoryUsage() once a second as JSON lines, so a peak can be
// told apart as JS heap, external/ArrayBuffer memory or native (RSS only).
// Bench-only: the product never loads it.
import fs from "node:fs";

const file = process.env.BENCH_MEMORY_PROBE;
if (file) {
  const MiB = 1024 ** 2;
  const t0 = Date.now();
  setInterval(() => {
    const m = process.memoryUsage();
    const line = { t: (Date.now() - t0) / 1000, pid: process.pid };
    for (const k of ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"]) line[k] = Math.round(m[k] / MiB);
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}
