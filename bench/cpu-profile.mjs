// Preloaded (NODE_OPTIONS=--import) into the servers bench:load --cpu-prof
// starts (node refuses --cpu-prof in NODE_OPTIONS): the inspector's profiler
// records between two SIGUSR2s (bench:load sends them around the saturation
// run of the mix), and the profile goes to $BENCH_CPU_PROF_DIR.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  let running = false;
  let n = 0;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.start");
      return;
    }
    running = false;
    session.post("Profiler.stop", (err, res) => {
      // One file per recording, numbered in order (bench:load --per-op records each operation).
      if (!err) fs.writeFileSync(path.join(dir, `${process.pid}-${++n}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
