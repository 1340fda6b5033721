// What runs beside the upload in `bench:upload`: a client that polls the
// dataset page's query once a second (as the dataset page does while an
// append upload runs), and a sampler of the server's memory over time.
import fs from "node:fs";
import { peakRssMib, rssMib } from "./server-memory";

/** Creates a small dataset through tus (one creation-with-upload request); returns its id. */
export async function createSmallDataset(baseUrl: string, cookie: string): Promise<string> {
  const body = Buffer.from("id,name\n1,a\n2,b\n");
  const res = await fetch(`${baseUrl}/api/uploads`, {
    method: "POST",
    headers: {
      cookie,
      "Tus-Resumable": "1.0.0",
      "Upload-Length": String(body.length),
      "Upload-Metadata": `filename ${Buffer.from("poll.csv").toString("base64")}`,
      "content-type": "application/offset+octet-stream",
    },
    body,
  });
  const id = res.headers.get("upload-dataset-id");
  if (res.status !== 201 || !id) throw new Error(`small upload: HTTP ${res.status} ${await res.text()}`);
  return id;
}

export interface Poller {
  stop(): Promise<{ requests: number; failures: number }>;
}

/** GETs tRPC `dataset.get` every `ms` (superjson envelope, session cookie), one request at a time. */
export function pollDatasetGet(opts: { baseUrl: string; cookie: string; datasetId: string; ms: number }): Poller {
  const input = encodeURIComponent(JSON.stringify({ json: { id: opts.datasetId } }));
  const url = `${opts.baseUrl}/api/trpc/dataset.get?input=${input}`;
  let requests = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      requests++;
      const ok = await fetch(url, { headers: { cookie: opts.cookie } }).then(
        async (r) => (await r.arrayBuffer(), r.ok),
        () => false,
      );
      if (!ok) failures++;
      await new Promise((r) => setTimeout(r, Math.max(0, opts.ms - (performance.now() - t0))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failures };
    },
  };
}

export interface MemorySample {
  s: number;
  rss_mb: number;
  peak_mb: number;
}

/** Samples the server tree's RSS and peak every `ms`; `say` gets a line every `reportEvery` samples. */
export function sampleServerMemory(pid: number, ms: number, say: (line: string) => void, reportEvery = 5) {
  const samples: MemorySample[] = [];
  const t0 = performance.now();
  const take = () => {
    const s: MemorySample = {
      s: Math.round((performance.now() - t0) / 100) / 10,
      rss_mb: Math.round(rssMib(pid)),
      peak_mb: Math.round(peakRssMib(pid)),
    };
    samples.push(s);
    if (samples.length % reportEvery === 1) say(`  t=${s.s}s server rss ${s.rss_mb} MiB, peak ${s.peak_mb} MiB`);
  };
  take();
  const timer = setInterval(take, ms);
  return {
    stop(): MemorySample[] {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** The largest value of each process.memoryUsage() field the server's probe logged, per pid. */
export function summarizeProbe(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const most = new Map<number, Record<string, number>>();
  for (const line of fs.readFileSync(file, "utf8").trim().split("\n")) {
    const m = JSON.parse(line) as Record<string, number>;
    const acc = most.get(m.pid!) ?? {};
    for (const [k, v] of Object.entries(m)) if (k !== "pid") acc[k] = Math.max(acc[k] ?? 0, v);
    most.set(m.pid!, acc);
  }
  return [...most].map(
    ([pid, m]) =>
      `  pid ${pid} max MiB: rss ${m.rss}, heapTotal ${m.heapTotal}, heapUsed ${m.heapUsed}, ` +
      `external ${m.external}, arrayBuffers ${m.arrayBuffers} (over ${m.t} s)`,
  );
}
