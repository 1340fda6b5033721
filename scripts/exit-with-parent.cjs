// Preloaded (`node --require`) into the web and worker processes that the start
// script runs: when the start script dies, even by SIGKILL (which it cannot
// catch to stop them), the process is re-parented and stops itself, running its
// own SIGTERM shutdown. Plain CommonJS so both `next start` and the worker take it.
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  process.kill(process.pid, "SIGTERM");
  // If the SIGTERM handler hangs, leave anyway.
  setTimeout(() => process.exit(1), 10_000).unref();
}, 500);
timer.unref();
