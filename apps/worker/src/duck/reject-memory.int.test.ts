// A CSV with 1,000,000 bad lines of 2,050,000 ingests under "skip" in
// bounded memory: the worker's read, run in its own process with a 256 MB
// DuckDB limit, peaks far below what DuckDB's store_rejects took for the
// same file (~1.7 GB), with the counts exact and the first bad lines listed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { MAX_STORED_REJECTS } from "@scrollintel/core/ingest-options";
import { HALF_BAD_LEAD, writeHalfBadCsv } from "../../../../bench/ingest-rejects-csv";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reject-memory-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Well above the ~300 MB measured, well below the ~1.7 GB store_rejects peaked at. */
const PEAK_RSS_MB = 700;

it("ingests 1,000,000 bad lines under skip with the worker's RSS bounded", async () => {
  const file = path.join(dir, "half-bad.csv");
  await writeHalfBadCsv(file, 2_000_000);
  const child = path.resolve(import.meta.dirname, "../../../../bench/ingest-rejects-child.ts");
  const r = spawnSync(process.execPath, ["--import", "tsx", child, "worker", file, path.join(dir, "work"), "256MB"], {
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as Record<string, number>;
  expect([out.read, out.stored, out.rejected]).toEqual([
    HALF_BAD_LEAD + 2_000_000,
    HALF_BAD_LEAD + 1_000_000,
    1_000_000,
  ]);
  expect(out.listed).toBe(MAX_STORED_REJECTS);
  expect(out.peak_rss_mb).toBeLessThan(PEAK_RSS_MB);
}, 300_000);
