// Every record of a file is a stored row or a listed reject, through the real
// ingest task: damaged compressed files fail as such, NDJSON skips exactly the
// bad line, CSV rejects are counted exactly and their first lines listed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_STORED_REJECTS, ZIngestOptions } from "@scrollintel/core/ingest-options";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let scratch: string;

const CSV =
  "id,name,amount\n" + Array.from({ length: 20_000 }, (_, i) => `${i + 1},name ${i + 1},${i * 3}.5\n`).join("");

async function ingest(filename: string, body: string | Buffer, options?: object) {
  const up = await uploadFile(deps, ctxOf(user), filename, body);
  let versionId = up.versionId;
  if (options) {
    versionId = (await reingestVersion(t.db, ctxOf(user), { versionId, options: ZIngestOptions.parse(options) }))
      .versionId;
  }
  await runTask(makeIngestTask(deps), { datasetVersionId: versionId });
  return t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
}

/** Rows of a READY version's parts, read back with DuckDB. */
async function storedRows(files: unknown, sql: string) {
  const paths = (files as string[]).map((k) => `'${deps.storage.localPath(k)}'`).join(",");
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  const rows = (await conn.runAndReadAll(sql.replace("$SRC", `read_parquet([${paths}])`))).getRowObjectsJson();
  conn.closeSync();
  inst.closeSync();
  return rows;
}

async function zstd(text: string): Promise<Buffer> {
  const src = path.join(scratch, "z.csv");
  fs.writeFileSync(src, text);
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  await conn.run(`COPY (FROM read_csv('${src}')) TO '${src}.zst' (FORMAT csv, COMPRESSION zstd)`);
  conn.closeSync();
  inst.closeSync();
  return fs.readFileSync(`${src}.zst`);
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "si-accounting-"));
});
afterAll(async () => {
  deps.cleanup();
  fs.rmSync(scratch, { recursive: true, force: true });
  await t.drop();
});

describe("damaged compressed files", () => {
  it("fails a truncated .csv.gz as truncated under both policies, never as a shorter dataset", async () => {
    const gz = zlib.gzipSync(CSV);
    const cut = gz.subarray(0, gz.length >> 1);
    for (const badRows of ["fail", "skip"]) {
      const v = await ingest("orders.csv.gz", cut, { badRows });
      expect(v.status, badRows).toBe("FAILED");
      expect(v.error, badRows).toBe(
        `orders.csv.gz: The gzip stream ends at byte ${cut.length} before its end marker: the file is truncated (cut short in copying or uploading).`,
      );
      expect(v.files, badRows).toEqual([]);
    }
  });

  it("fails a truncated .csv.zst as truncated under both policies", async () => {
    const zs = await zstd(CSV);
    const cut = zs.subarray(0, zs.length >> 1);
    for (const badRows of ["fail", "skip"]) {
      const v = await ingest("orders.csv.zst", cut, { badRows });
      expect(v.status, badRows).toBe("FAILED");
      expect(v.error, badRows).toMatch(`The zstd stream ends at byte ${cut.length} before its end marker`);
    }
  });

  it("fails a gzip file with a corrupt block, naming where", async () => {
    const gz = zlib.gzipSync(CSV);
    const bad = Buffer.concat([gz.subarray(0, 4000), Buffer.alloc(200, 0x55), gz.subarray(4200)]);
    const v = await ingest("orders.csv.gz", bad, { badRows: "skip" });
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/The gzip stream is corrupt at or after byte \d+/);
  });

  it("fails a zstd file with a corrupt block, naming where", async () => {
    const zs = await zstd(CSV);
    const bad = Buffer.concat([zs.subarray(0, 3000), Buffer.alloc(200, 0x55), zs.subarray(3200)]);
    const v = await ingest("orders.csv.zst", bad, { badRows: "skip" });
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^orders.csv.zst: The zstd stream is corrupt at or after byte \d+/);
  });

  it("fails a zstd file whose damage only its content checksum shows", async () => {
    const zs = Buffer.from(await zstd(CSV));
    for (let i = zs.length >> 1; i < (zs.length >> 1) + 64; i++) zs[i] = zs[i]! ^ 0x5a;
    const v = await ingest("orders.csv.zst", zs, { badRows: "skip" });
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^orders.csv.zst: The zstd stream is corrupt/);
  });

  it("reads an intact .csv.gz and accounts for every record", async () => {
    const v = await ingest("orders.csv.gz", zlib.gzipSync(CSV));
    expect(v.status).toBe("READY");
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([20_000n, 20_000n, 0n]);
  });
});

describe("NDJSON under skip", () => {
  it("keeps the all-NULL record and the line after a malformed one, and lists the malformed line", async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `{"id": ${i + 1}, "name": "n${i + 1}"}`);
    lines[10] = `{"id": null, "name": null}`;
    lines[20] = `{"id": 21, "name": "broken`;
    const v = await ingest("events.ndjson", lines.join("\n") + "\n", { badRows: "skip" });
    expect(v.status).toBe("READY");
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([1000n, 999n, 1n]);
    const rejects = await t.db.ingestReject.findMany({ where: { versionId: v.id } });
    expect(rejects.map((r) => [r.line, r.raw])).toEqual([[21n, `{"id": 21, "name": "broken`]]);
    const ids = await storedRows(v.files, "SELECT id FROM $SRC WHERE id IN (10, 20, 21, 22) OR id IS NULL ORDER BY id");
    expect(ids.map((r) => r.id)).toEqual(["10", "20", "22", null]);
  });

  it("names the malformed line itself under fail", async () => {
    const body = '{"id":1}\n{"id":2}\n\n{"id":3,\n{"id":4}\n';
    const v = await ingest("events.ndjson", body);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^events.ndjson: line 4 is not valid JSON \(.*\): \{"id":3,\./);
  });
});

describe("CSV records that are not lines", () => {
  it("counts quoted line ends and blank lines as DuckDB reads them", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i + 1},"note ${i + 1}",${i === 4 ? "x" : i}\n`);
    rows[1] = `2,"two\nlines, quoted",1\n\n`;
    rows[9] = `10,"a ""quoted"" word\r\nand more",9\n\n\n`;
    const v = await ingest("notes.csv", "id,note,v\n" + rows.join(""), {
      badRows: "skip",
      columns: [{ name: "v", type: "BIGINT" }],
    });
    expect(v.status).toBe("READY");
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([200n, 199n, 1n]);
  });
});

describe("CSV rejects past DuckDB's old 100,000 limit", () => {
  it("counts every skipped line exactly and stores the first ones", async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => `${i + 1},${i % 4 === 3 ? i : "bad"}\n`);
    const v = await ingest("many-bad.csv", "id,v\n" + rows.join(""), {
      badRows: "skip",
      columns: [{ name: "v", type: "BIGINT" }],
    });
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([150_000n, 37_500n, 112_500n]);
    expect(await t.db.ingestReject.count({ where: { versionId: v.id } })).toBe(MAX_STORED_REJECTS);
    // 75% skipped, far past the 1% default: stored, but not the queried version.
    expect(v.status).toBe("AWAITING_CONFIRMATION");
  }, 180_000);

  it("lists the first bad lines of a later window under their own line numbers", async () => {
    // 65,000 bad lines, all past line 100,000: the example pass reads windows past its first one.
    const rows = Array.from(
      { length: 230_000 },
      (_, i) => `${i + 1},"r ${i + 1}",${i >= 100_000 && i % 2 ? "x" : i}\n`,
    );
    rows[1] += "\n"; // a blank line: DuckDB numbers it
    rows[2] = `3,"a quoted\nline end",2\n`; // a line end inside quotes: DuckDB does not
    const v = await ingest("late-bad.csv", "id,note,v\n" + rows.join(""), {
      badRows: "skip",
      columns: [{ name: "v", type: "BIGINT" }],
    });
    expect([v.recordsRead, v.ingestedRows, v.rejectedRows]).toEqual([230_000n, 165_000n, 65_000n]);
    const rejects = await t.db.ingestReject.findMany({ where: { versionId: v.id }, orderBy: { line: "asc" } });
    expect(rejects).toHaveLength(MAX_STORED_REJECTS);
    // Row i (0-based) is on line i + 3: the header, and the blank line after row 1.
    expect(rejects.slice(0, 3).map((r) => [r.line, r.column, r.raw])).toEqual([
      [100_004n, "v", '100002,"r 100002",x'],
      [100_006n, "v", '100004,"r 100004",x'],
      [100_008n, "v", '100006,"r 100006",x'],
    ]);
    expect(rejects.at(-1)!.line).toBe(BigInt(100_004 + 2 * (MAX_STORED_REJECTS - 1)));
  }, 180_000);
});
