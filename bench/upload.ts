// Upload benchmark (a script, not a test): one generated file through the web
// server with tus-js-client, against a plain disk copy of the same file in the
// same run, with the server's peak memory. While it uploads, a client polls
// tRPC dataset.get once a second, as the dataset page does during an append.
// The last line is one JSON object:
//   {"mb_per_s", "baseline_mb_per_s", "ratio", "server_peak_rss_mb", "file_gb", "polls"}
// Sizes are binary: MB = MiB, GB = GiB. It exits 1 when the server's peak RSS
// passes --max-rss-mb (default 300): memory must not grow with the file.
//
//   pnpm bench:upload                       2 GiB, own database + web server
//   pnpm bench:upload --size-gb 0.5         smaller (also BENCH_SIZE_GB)
//   pnpm bench:upload --chunk-mb 128        tus chunk size (default 128, S3's part size)
//   pnpm bench:upload --url http://localhost:3000   a running server (demo login)
//   --no-poll                               no dataset.get polling beside the upload
//   --max-rss-mb 300                        the bound on the server's peak RSS (0: none)
//   --probe                                 the server logs process.memoryUsage() each second
//                                           (<dir>/memory.jsonl; the largest values are printed)
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
import { createSmallDataset, pollDatasetGet, sampleServerMemory, summarizeProbe } from "./upload-watch";

const MiB = 1024 ** 2;
const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    "size-gb": { type: "string", default: process.env.BENCH_SIZE_GB ?? "2" },
    "chunk-mb": { type: "string", default: "128" },
    url: { type: "string" },
    email: { type: "string", default: "analyst@acme.test" },
    dir: { type: "string", default: path.resolve(import.meta.dirname, ".out") },
    keep: { type: "boolean", default: false },
    poll: { type: "boolean", default: true },
    "max-rss-mb": { type: "string", default: "300" },
    probe: { type: "boolean", default: false },
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

    const probe = path.join(dir, "memory.jsonl");
    const probeEnv = {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(import.meta.dirname, "memory-probe.mjs")}`,
      BENCH_MEMORY_PROBE: probe,
    };
    const stack = args.url
      ? { baseUrl: args.url, serverPid: pidListeningOn(Number(new URL(args.url).port || 80)), stop: async () => {} }
      : await startBenchStack({ dir, quotaBytes: BigInt(bytes) * 4n, env: args.probe ? probeEnv : {} });
    let rss: number | null = null;
    try {
      const cookie = await signInCookie(stack.baseUrl, args.email!, DEMO_PASSWORD);
      const poller = args.poll
        ? pollDatasetGet({
            baseUrl: stack.baseUrl,
            cookie,
            datasetId: await createSmallDataset(stack.baseUrl, cookie),
            ms: 1000,
          })
        : null;
      const memory = stack.serverPid ? sampleServerMemory(stack.serverPid, 1000, say, 10) : null;
      const t0 = performance.now();
      const url = await tusUpload(`${stack.baseUrl}/api/uploads`, cookie, source, Number(args["chunk-mb"]) * MiB);
      const secs = (performance.now() - t0) / 1000;
      const polls = (await poller?.stop()) ?? null;
      memory?.stop();
      const rate = bytes / MiB / secs;
      say(`tus upload: ${secs.toFixed(2)} s, ${rate.toFixed(0)} MiB/s (${url})`);
      if (polls) say(`dataset.get polls: ${polls.requests} (${polls.failures} failed)`);
      rss = stack.serverPid ? peakRssMib(stack.serverPid) : null;
      say(`server peak RSS: ${rss === null ? "unknown (no pid listening)" : `${rss.toFixed(0)} MiB`}`);
      const round = (n: number) => Math.round(n * 100) / 100;
      process.stdout.write(
        `${JSON.stringify({
          mb_per_s: round(rate),
          baseline_mb_per_s: round(baseline),
          ratio: round(rate / baseline),
          server_peak_rss_mb: rss === null ? null : round(rss),
          file_gb: round(bytes / 1024 ** 3),
          polls: polls?.requests ?? 0,
        })}\n`,
      );
    } finally {
      await stack.stop();
    }
    for (const line of summarizeProbe(probe)) say(line);
    const bound = Number(args["max-rss-mb"]);
    if (bound > 0 && rss !== null && rss > bound) {
      say(`FAIL: the server's peak RSS ${rss.toFixed(0)} MiB is over the ${bound} MiB bound`);
      process.exitCode = 1;
    }
  } finally {
    if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  say(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
