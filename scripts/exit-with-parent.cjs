// Stops this process when its parent goes away, even by SIGKILL (which the
// parent cannot catch to stop its children): the process is re-parented, sees
// it, and sends itself SIGTERM, so its own shutdown runs. The start script
// preloads it into web and worker (NODE_OPTIONS, so what they start inherits
// it) and imports it itself. Plain CommonJS: `next start` and tsx both take it.
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  process.kill(process.pid, "SIGTERM");
  // If the SIGTERM handler hangs, leave anyway.
  setTimeout(() => process.exit(1), 10_000).unref();
}, 500);
timer.unref();
