// Every format the issue names, each plain and compressed, detected by
// content (the file names lie on purpose), through the real ingest task.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let scratch: string;

// A 5-row Parquet file (id, name, v) compressed whole with zstd: Node 20 has no zstd encoder.
const PARQUET_ZST =
  "KLUv/WQPAa0KAMYSQzMwpWzG1MFAFmwwIiIigUlv3ZW2ahubr6XKplwhXuSPcBnSMhp+GxmKBFobRTRRKaRJmQIxADQAMgANm0uL+xeFm/BdDdBX47vWJQconS/ct2WGlZLKAIl8WGa2Z7XY16/72Sueh+6DIM4no6zz2yG3ORJKdK06OcdN4UTTrJOz7usiFAkiVD2MxFO4Eh/VGAZt3iLYkQ2BXbARsOXoGlQCGCXEM/3urJc7q72dSCMctiUSz9TGKlYt1pUoBc3ovOZr1ifurDbRMmo7VDn4fMYFIIjzsWXK9sRqBpiRpqQJQ03m20QJ02rkbRkLxgKO202ZVBOkcet4TuHK43meFRTrMsq4oI5UKwN0DgEdAKoPrOGKpBK4QWC8AGp6ACd9VILgMlXFbuUy0UAPAnBXCZbOmfRqYFRDn1cRhJSIUMICA1tlPHVYEuwHA1tlChg4AygDz1T3yQ==";

/** Bytes DuckDB writes: Parquet, or CSV compressed with zstd. */
async function duckWrite(sql: string, file: string): Promise<Buffer> {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  await conn.run(sql.replace("$OUT", `'${file}'`));
  conn.closeSync();
  inst.closeSync();
  return fs.readFileSync(file);
}

async function ingest(filename: string, body: string | Buffer) {
  const up = await uploadFile(deps, ctxOf(user), filename, body);
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  return t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
}

const names = (v: { columns: unknown }) => (v.columns as { name: string }[]).map((c) => c.name);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "si-formats-"));
});
afterAll(async () => {
  deps.cleanup();
  fs.rmSync(scratch, { recursive: true, force: true });
  await t.drop();
});

describe("ingest formats", () => {
  const csv = "id,city,amount\n1,Oslo,10.5\n2,Lima,20\n3,Oslo,5.25\n";

  it("reads semicolon CSV with a BOM and CRLF line ends", async () => {
    const v = await ingest("a.csv", "\uFEFFid;city;amount\r\n1;Oslo;10,5\r\n2;Lima;20\r\n");
    expect(v.status).toBe("READY");
    expect(names(v)).toEqual(["id", "city", "amount"]);
    expect(v.rowCount).toBe(2n);
  });

  it("reads TSV and keeps quoted newlines inside one value", async () => {
    const v = await ingest("b.txt", 'id\tnote\n1\t"two\nlines"\n2\tplain\n');
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(2n);
    expect((v.preview as { note: string }[])[0]!.note).toBe("two\nlines");
  });

  it("reads CSV without a header line", async () => {
    const v = await ingest("c.csv", "1,Oslo,2024-01-01\n2,Lima,2024-01-02\n3,Rome,2024-01-03\n");
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(3n);
    expect(names(v)).toEqual(["column0", "column1", "column2"]);
  });

  it("reads NDJSON and JSON arrays, also gzip-compressed", async () => {
    const nd = '{"id":1,"tag":"x"}\n{"id":2,"tag":"y"}\n{"id":3,"tag":null}\n';
    const arr = JSON.stringify([{ id: 1, tag: "x" }, { id: 2 }]);
    for (const [file, body, rows] of [
      ["d.csv", nd, 3n],
      ["e.csv", arr, 2n],
      ["f.bin", zlib.gzipSync(nd), 3n],
    ] as const) {
      const v = await ingest(file, body);
      expect(v.status, file).toBe("READY");
      expect(v.rowCount, file).toBe(rows);
      expect(names(v), file).toEqual(["id", "tag"]);
    }
  });

  it("reads gzip- and zstd-compressed CSV", async () => {
    const zst = await duckWrite(
      "COPY (SELECT * FROM (VALUES (1, 'Oslo'), (2, 'Lima')) t(id, city)) TO $OUT (FORMAT csv, COMPRESSION zstd)",
      path.join(scratch, "x.csv.zst"),
    );
    for (const [file, body, rows] of [
      ["g.csv", zlib.gzipSync(csv), 3n],
      ["h.csv", zst, 2n],
    ] as const) {
      const v = await ingest(file, body);
      expect(v.status, file).toBe("READY");
      expect(v.rowCount, file).toBe(rows);
      expect((v.detected as { compression: string }).compression, file).toBe(file === "g.csv" ? "gzip" : "zstd");
    }
  });

  it("reads Parquet, plain, gzip- and zstd-compressed", async () => {
    const pq = await duckWrite(
      "COPY (SELECT i AS id, 'n' || i AS name, i * 1.5 AS v FROM range(5) t(i)) TO $OUT (FORMAT parquet)",
      path.join(scratch, "x.parquet"),
    );
    for (const [file, body] of [
      ["i.csv", pq],
      ["j.csv", zlib.gzipSync(pq)],
      ["k.csv", Buffer.from(PARQUET_ZST, "base64")],
    ] as const) {
      const v = await ingest(file, body);
      expect(v.status, file).toBe("READY");
      expect(v.rowCount, file).toBe(5n);
      expect(names(v), file).toEqual(["id", "name", "v"]);
      expect((v.detected as { format: string }).format, file).toBe("parquet");
    }
  });

  it("fails malformed NDJSON saying where, and leaves the record out under skip", async () => {
    const nd = '{"id":1,"tag":"x"}\n{"id":2, oops}\n{"id":3,"tag":"z"}\n';
    const v = await ingest("events.json", nd);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^events.json: line 2 is not valid JSON/);
    const r = await reingestVersion(t.db, ctxOf(user), {
      versionId: v.id,
      // 1 of 3 records is far past the default 1% threshold: allowed here, held in ingest-accounting's tests.
      options: ZIngestOptions.parse({ badRows: "skip", maxRejectPercent: 50 }),
    });
    await runTask(makeIngestTask(deps), { datasetVersionId: r.versionId });
    const skipped = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: r.versionId } });
    expect(skipped.status).toBe("READY");
    expect(skipped.rowCount).toBe(2n);
    expect([skipped.recordsRead, skipped.rejectedRows]).toEqual([3n, 1n]);
  });

  it("refuses a spreadsheet with a reason", async () => {
    const v = await ingest("sheet.csv", Buffer.from("PK\x03\x04rest-of-a-zip", "latin1"));
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^sheet.csv: This is a zip archive/);
  });

  it("fails a ragged file instead of reading one text column, and says where", async () => {
    const v = await ingest("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n");
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/line 3 has 2 ","-separated fields where line 1 has 3/);
  });
});
