// A tus-js-client upload in its own process that kills itself (SIGKILL, no
// clean-up of any kind) once it has sent KILL_AT bytes, so a test can resume
// what a crashed client left. Prints the upload URL as soon as it exists.
//   node --import tsx test/tus-client-child.ts <file> <endpoint>   env: COOKIE, KILL_AT, CHUNK
import fs from "node:fs";
import * as tus from "tus-js-client";

const [file, endpoint] = process.argv.slice(2) as [string, string];
const killAt = Number(process.env.KILL_AT ?? 0);
const up = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  chunkSize: Number(process.env.CHUNK ?? 8 * 1024 * 1024),
  headers: { cookie: process.env.COOKIE ?? "" },
  metadata: { filename: "killed.csv" },
  retryDelays: null,
  onUploadUrlAvailable: () => process.stdout.write(`URL ${up.url}\n`),
  onProgress: (sent) => {
    if (killAt && sent >= killAt) process.kill(process.pid, "SIGKILL");
  },
  onError: (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
  onSuccess: () => process.exit(0),
});
up.start();
