// Runs the embedded PostgreSQL server for the start script and takes it down
// when the start script goes away, however it went: a postmaster is its own
// process and would otherwise outlive a parent killed with SIGKILL, holding the
// port and the data directory. Plain JavaScript: started with bare `node`.
//   node pg-watchdog.mjs <log file> <uid|-> <gid|-> <postgres binary> <args…>
// stdin: the parent's pipe; its end (parent exited or asked to stop) stops the server.
// stdout: "pid <n>" once started, "exit <code> <signal>" when the server exits.
import { spawn } from "node:child_process";
import fs from "node:fs";

const [logFile, uid, gid, bin, ...args] = process.argv.slice(2);
const log = fs.openSync(logFile, "a");
const options = { stdio: ["ignore", log, log], env: { ...process.env, LC_MESSAGES: "C" } };
if (uid !== "-") Object.assign(options, { uid: Number(uid), gid: Number(gid) });

const server = spawn(bin, args, options);
let stopping = false;
server.on("error", (e) => {
  fs.writeSync(log, `could not start ${bin}: ${e.message}\n`);
  process.stdout.write(`exit 127 -\n`, () => process.exit(127));
});
server.on("spawn", () => process.stdout.write(`pid ${server.pid}\n`));
server.on("exit", (code, signal) => {
  process.stdout.write(`exit ${code ?? "-"} ${signal ?? "-"}\n`, () => process.exit(code ?? 1));
});

function stop() {
  if (stopping || server.exitCode !== null) return;
  stopping = true;
  server.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  setTimeout(() => server.kill("SIGQUIT"), 20_000).unref(); // immediate shutdown if that hangs
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, stop);
