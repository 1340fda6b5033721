// Upload benchmark (a script, not a test): one generated file through the web
// server with tus-js-client, against a plain disk copy of the same file in the
// same run, with the server's peak memory. The last line is one JSON object:
//   {"mb_per_s", "baseline_mb_per_s", "ratio", "server_peak_rss_mb", "file_gb"}
// Sizes are binary: MB = MiB, GB = GiB.
//
//   pnpm bench:upload                       2 GiB, own database + web server
//   pnpm bench:upload --size-gb 0.5         smaller (also BENCH_SIZE_GB)
//   pnpm bench:upload --chunk-mb 128        tus chunk size (default 128, S3's part size)
//   pnpm bench:upload --url http://localhost:3000   a running server (demo login)
//   --dir <path> where the file, the copy and the server's data go (default bench/.out)
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import * as tus from "tus-js-client";
import { DEMO_PASSWORD } from "../prisma/seed";
import { signInCookie } from "../test/e2e-session";
import { startBenchStack } from "./bench-stack";
import { makeBenchFile, timedCopy } from "./bench-file";
import { peakRssMib, pidListeningOn } from "./server-memory";

const MiB = 1024 ** 2;
const { values: args } = parseArgs({
  options: {
    "size-gb": { type: "string", default: process.env.BENCH_SIZE_GB ?? "2" },
    "chunk-mb": { type: "string", default: "128" },
    url: { type: "string" },
    email: { type: "string", default: "analyst@acme.test" },
    dir: { type: "string", default: path.resolve(import.meta.dirname, ".out") },
    keep: { type: "boolean", default: false },
  },
});

function say(line: string) {
  process.stderr.write(`${line}\n`);
}

function tusUpload(endpoint: string, cookie: string, file: string, chunkBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const up: tus.Upload = new tus.Upload(fs.createReadStream(file), {
      endpoint,
      chunkSize: chunkBytes,
      headers: { cookie },
      metadata: { filename: "bench.csv" },
      retryDelays: [0, 1000, 3000],
      onSuccess: () => resolve(up.url!),
      onError: reject,
    });
    up.start();
  });
}

async function main() {
  const bytes = Math.round(Number(args["size-gb"]) * 1024 ** 3);
  if (!(bytes > 0)) throw new Error("--size-gb must be a positive number");
  const dir = path.join(args.dir!, `upload-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(dir, "source.bin");
  try {
    say(`generating ${(bytes / 1024 ** 3).toFixed(2)} GiB in ${dir}`);
    await makeBenchFile(source, bytes);
    const copySecs = await timedCopy(source, path.join(dir, "copy.bin"));
    const baseline = bytes / MiB / copySecs;
    say(`disk copy: ${copySecs.toFixed(2)} s, ${baseline.toFixed(0)} MiB/s`);

    const stack = args.url
      ? { baseUrl: args.url, serverPid: pidListeningOn(Number(new URL(args.url).port || 80)), stop: async () => {} }
      : await startBenchStack({ dir, quotaBytes: BigInt(bytes) * 4n });
    try {
      const cookie = await signInCookie(stack.baseUrl, args.email!, DEMO_PASSWORD);
      const t0 = performance.now();
      const url = await tusUpload(`${stack.baseUrl}/api/uploads`, cookie, source, Number(args["chunk-mb"]) * MiB);
      const secs = (performance.now() - t0) / 1000;
      const rate = bytes / MiB / secs;
      say(`tus upload: ${secs.toFixed(2)} s, ${rate.toFixed(0)} MiB/s (${url})`);
      const rss = stack.serverPid ? peakRssMib(stack.serverPid) : null;
      say(`server peak RSS: ${rss === null ? "unknown (no pid listening)" : `${rss.toFixed(0)} MiB`}`);
      const round = (n: number) => Math.round(n * 100) / 100;
      process.stdout.write(
        `${JSON.stringify({
          mb_per_s: round(rate),
          baseline_mb_per_s: round(baseline),
          ratio: round(rate / baseline),
          server_peak_rss_mb: rss === null ? null : round(rss),
          file_gb: round(bytes / 1024 ** 3),
        })}\n`,
      );
    } finally {
      await stack.stop();
    }
  } finally {
    if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  say(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
