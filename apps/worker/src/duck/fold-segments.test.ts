// foldSegments straight on segment files: the usual batch goes through one
// unnumbered reader, a batch with a reject is typed again with record numbers
// to name it; both store the same rows in batch order.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { StreamColumn } from "@scrollintel/core/stream/stream-sql";
import { foldSegments } from "./fold-segments";
import { closeDuck, lit, openDuck } from "./open-duck";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fold-segments-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const COLUMNS: StreamColumn[] = [
  { name: "id", type: "BIGINT" },
  { name: "name", type: "VARCHAR" },
];

/** Three gzip NDJSON segments of ids [0, 300), the last record of segment `bad` holding a string id. */
function segments(name: string, bad: number | null) {
  return [0, 1, 2].map((s) => {
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = s * 100 + i;
      lines.push(s === bad && i === 99 ? `{"id":"x${id}","name":"n${id}"}` : `{"id":${id},"name":"n${id}"}`);
    }
    const file = path.join(dir, `${name}-${s}.ndjson.gz`);
    fs.writeFileSync(file, zlib.gzipSync(`${lines.join("\n")}\n`));
    return { id: `${name}-${s}`, path: file, format: "ndjson", records: 100 };
  });
}

async function idsIn(file: string): Promise<number[]> {
  const duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(dir, "spill") });
  try {
    const r = await duck.conn.runAndReadAll(`SELECT id::INTEGER AS id FROM read_parquet(${lit(file)})`);
    return r.getRowObjectsJson().map((row) => Number(row.id));
  } finally {
    closeDuck(duck);
  }
}

async function fold(name: string, bad: number | null) {
  const workDir = path.join(dir, name);
  fs.mkdirSync(workDir);
  const partPath = path.join(workDir, "part.parquet");
  const folded = await foldSegments({ segments: segments(name, bad), columns: COLUMNS, partPath, workDir, threads: 2 });
  return { folded, ids: await idsIn(partPath) };
}

describe("foldSegments", () => {
  it("stores every record of a batch with no reject, in batch order, and places no reject", async () => {
    const { folded, ids } = await fold("clean", null);
    expect(folded.rows).toBe(300n);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect([...folded.rejectsBySegment.values()].every((n) => n === 0)).toBe(true);
    expect(folded.rejectExamples).toEqual([]);
  });

  it("names a reject by its segment and record number, and stores the rest in order", async () => {
    const { folded, ids } = await fold("reject", 1);
    expect(folded.rows).toBe(299n);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== 199));
    expect(folded.rejectsBySegment.get("reject-1")).toBe(1);
    expect(folded.rejectsBySegment.get("reject-0") ?? 0).toBe(0);
    expect(folded.rejectExamples).toEqual([
      {
        segmentId: "reject-1",
        record: 100,
        reason: 'column "id": "x199" is not BIGINT',
        raw: '{"id":"x199","name":"n199"}',
      },
    ]);
  });
});
