// A segment's keys are read once per process, even when two callers (a
// compaction's read-ahead and a query) ask for the same new segments at once;
// a read that fails is the error of every caller that needed it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { StreamColumn } from "@scrollintel/core/stream/stream-sql";
import { findSegmentColumns, segmentKeyReads } from "./pending-columns";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pending-columns-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const KNOWN: StreamColumn[] = [{ name: "id", type: "BIGINT" }];

/** `n` gzip NDJSON segments of 50 records, the second and later with a new key `tag`. */
function segments(name: string, n: number) {
  return Array.from({ length: n }, (_, s) => {
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify(s === 0 ? { id: i } : { id: s * 50 + i, tag: `t${i}` }),
    );
    const file = path.join(dir, `${name}-${s}.ndjson.gz`);
    fs.writeFileSync(file, zlib.gzipSync(`${lines.join("\n")}\n`));
    return { id: `${name}-${s}`, path: file, format: "ndjson" };
  });
}

const input = (segs: ReturnType<typeof segments>) => ({
  segments: segs,
  known: KNOWN,
  tempDir: path.join(dir, "keys"),
  threads: 1,
});

describe("segment keys", () => {
  it("are read once when two callers ask for the same new segments at once", async () => {
    const segs = segments("both", 4);
    const before = segmentKeyReads();
    const [a, b] = await Promise.all([findSegmentColumns(input(segs)), findSegmentColumns(input(segs))]);
    expect(segmentKeyReads() - before).toBe(4);
    expect(a.columns.map((c) => `${c.name} ${c.type}`)).toEqual(["id BIGINT", "tag VARCHAR"]);
    expect(b).toEqual(a);
  });

  it("reads only the segments the other caller is not reading", async () => {
    const segs = segments("overlap", 6);
    const before = segmentKeyReads();
    const [a, b] = await Promise.all([findSegmentColumns(input(segs.slice(0, 4))), findSegmentColumns(input(segs))]);
    expect(segmentKeyReads() - before).toBe(6);
    expect(a.columns).toEqual(b.columns);
    expect(b.columns.map((c) => c.name)).toEqual(["id", "tag"]);
  });

  it("fails every caller that needed a segment whose read failed", async () => {
    const segs = segments("missing", 2);
    fs.rmSync(segs[1]!.path);
    const results = await Promise.allSettled([findSegmentColumns(input(segs)), findSegmentColumns(input(segs))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});
