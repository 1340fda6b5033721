// Reading options through the real ingest task: each encoding, long lines,
// JSON layouts, mixed line ends, CSV dialect options, flattening, and errors
// that name the right line and a remedy that works (followed here to READY).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { Readable } from "node:stream";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;

const read = (id: string) => t.db.datasetVersion.findUniqueOrThrow({ where: { id } });

async function ingest(filename: string, body: string | Buffer, options: object = {}) {
  const up = await uploadFile(deps, ctxOf(user), filename, body);
  if (Object.keys(options).length) return reingest(up.versionId, options);
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  return read(up.versionId);
}

/** What the dataset page's "Re-ingest" does: the same upload, read with new options. */
async function reingest(versionId: string, options: object) {
  const r = await reingestVersion(t.db, ctxOf(user), { versionId, options: ZIngestOptions.parse(options) });
  await runTask(makeIngestTask(deps), { datasetVersionId: r.versionId });
  return read(r.versionId);
}

const rows = (v: { preview: unknown }) => v.preview as Record<string, unknown>[];
const cols = (v: { columns: unknown }) =>
  (v.columns as { name: string; type: string }[]).map((c) => `${c.name}:${c.type}`);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("encodings", () => {
  it("reads UTF-16 LE with a BOM without being told", async () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id,name\n1,Zoë\n2,Łukasz\n", "utf16le")]);
    const v = await ingest("u16.csv", body);
    expect(v.status).toBe("READY");
    expect(rows(v).map((r) => r.name)).toEqual(["Zoë", "Łukasz"]);
  });

  it("names the Latin-1 line with the bad byte and the encoding option, which then works", async () => {
    const body = Buffer.from("id,name\n1,Ann\n2,José\n3,Müller\n", "latin1");
    const v = await ingest("latin1.csv", body);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^latin1\.csv is not UTF-8 text: line 3, byte 6 holds 0xE9/);
    expect(v.error).toMatch(/encoding/);
    expect(v.error).not.toMatch(/skip/);
    const fixed = await reingest(v.id, { encoding: "iso-8859-1" });
    expect(fixed.status).toBe("READY");
    expect(rows(fixed).map((r) => r.name)).toEqual(["Ann", "José", "Müller"]);
  });

  it("reads Windows-1252 with a euro sign, gzip-compressed too", async () => {
    const text = "item;price\nTea;€5\nCafé;€3\n";
    const bytes = Buffer.from(text.replaceAll("€", "\x80").replaceAll("é", "\xe9"), "latin1");
    const v = await ingest("w1252.csv", bytes, { encoding: "windows-1252" });
    expect(v.status).toBe("READY");
    expect(rows(v)).toEqual([
      { item: "Tea", price: "€5" },
      { item: "Café", price: "€3" },
    ]);
    const { gzipSync } = await import("node:zlib");
    const gz = await ingest("w1252.csv.gz", gzipSync(bytes), { encoding: "windows-1252" });
    expect(rows(gz)[1]).toEqual({ item: "Café", price: "€3" });
  });
});

describe("long lines", () => {
  it("names the line of a 20 MB field and the line-size option, which then reads it", async () => {
    const lines = ["id,blob", ...Array.from({ length: 49 }, (_, i) => `${i + 1},short`)];
    const body = `${lines.join("\n")}\n50,${"x".repeat(20 * 1024 * 1024)}\n51,end\n`;
    const v = await ingest("big.csv", body);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^big\.csv: line 51 is 20,971,523 bytes long/);
    expect(v.error).toMatch(/"Maximum line size" under Reading options to 23 MiB or more/);
    expect(v.error).not.toMatch(/skip/);
    const fixed = await reingest(v.id, { maxLineBytes: 24_000_000 });
    expect(fixed.status).toBe("READY");
    expect(fixed.rowCount).toBe(51n);
  }, 400_000); // DuckDB alone takes ~20 s of CPU to sniff past a 20 MB line, twice
});

describe("JSON layouts", () => {
  it("reads a pretty-printed single object as one row", async () => {
    const v = await ingest("one.json", '{\n  "id": 7,\n  "tags": ["a", "b"],\n  "geo": {"lat": 1.5, "lon": 2}\n}\n');
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(1n);
    expect(cols(v)).toEqual(["id:BIGINT", "tags:VARCHAR[]", "geo:STRUCT(lat DOUBLE, lon BIGINT)"]);
  });

  it("reads a JSON array, and concatenated documents when the layout says so", async () => {
    const arr = await ingest("arr.json", '[\n {"id": 1},\n {"id": 2}\n]');
    expect(arr.rowCount).toBe(2n);
    const docs = await ingest("docs.json", '{"id": 1}\n{\n "id": 2\n}\n', { jsonLayout: "document" });
    expect(docs.status).toBe("READY");
    expect(docs.rowCount).toBe(2n);
  });

  it("flattens struct fields into top-level columns at one click, lists kept", async () => {
    const nd = '{"id":1,"a":{"b":"x","c":{"d":5}},"l":["p"]}\n{"id":2,"a":{"b":"y","c":{"d":6}},"l":[]}\n';
    const nested = await ingest("n.json", nd);
    expect(cols(nested)).toEqual(["id:BIGINT", "a:STRUCT(b VARCHAR, c STRUCT(d BIGINT))", "l:VARCHAR[]"]);
    const flat = await reingest(nested.id, { flatten: true });
    expect(flat.status).toBe("READY");
    expect(cols(flat)).toEqual(["id:BIGINT", "a_b:VARCHAR", "a_c_d:BIGINT", "l:VARCHAR[]"]);
    expect(rows(flat)[1]).toMatchObject({ id: "2", a_b: "y", a_c_d: "6" });
  });
});

describe("flattening Parquet", () => {
  it("turns a Parquet struct column into top-level columns", async () => {
    const file = path.join(os.tmpdir(), `si-flat-${process.pid}.parquet`);
    const inst = await DuckDBInstance.create(":memory:");
    const conn = await inst.connect();
    await conn.run(`COPY (SELECT 1 AS id, {'x': 1.5, 'y': {'z': 'deep'}} AS p) TO '${file}' (FORMAT parquet)`);
    conn.closeSync();
    inst.closeSync();
    const v = await ingest("p.parquet", fs.readFileSync(file), { flatten: true });
    fs.rmSync(file);
    expect(v.status).toBe("READY");
    expect(cols(v)).toEqual(["id:INTEGER", "p_x:DECIMAL(2,1)", "p_y_z:VARCHAR"]);
  });
});

describe("CSV dialect", () => {
  it("reads mixed CRLF and LF line ends", async () => {
    const v = await ingest("mixed.csv", "id,name,v\r\n1,a,2\n2,b,3\r\n3,c,4\n4,d,5\r\n");
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(4n);
    expect(cols(v)).toEqual(["id:BIGINT", "name:VARCHAR", "v:BIGINT"]);
    expect(rows(v)[3]).toEqual({ id: "4", name: "d", v: "5" });
  });

  it("names the line where CRLF gives way to LF past the sniffed head, and the line-ends option then reads it", async () => {
    const crlf = Array.from({ length: 30_000 }, (_, i) => `${i},n${i},${i}`);
    const body = ["id,name,v", ...crlf].join("\r\n") + "\r\n30000,m,1\n30001,m,2\n";
    const v = await ingest("late.csv", body);
    expect(v.status).toBe("FAILED");
    expect(v.error).toBe(
      'late.csv: line 30002 ends with LF where the lines before it end with CRLF. Choose Line ends "always make CRLF and CR into LF" under Reading options and re-ingest.',
    );
    const fixed = await reingest(v.id, { lineEnds: "normalize" });
    expect(fixed.status).toBe("READY");
    expect(fixed.rowCount).toBe(30_002n);
  });

  it("blames the truly ragged line 78, not a line with a quoted delimiter, and skip then reads the rest", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${i + 1},"Item ${i + 1}, deluxe",1.10,2024-01-02`);
    lines[76] += ",extra";
    lines[199] = `200,"Item 200, deluxe",free,2024-01-02`;
    const v = await ingest("items.csv", ["id,item,price,date", ...lines].join("\n") + "\n");
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/line 78 has 5 ","-separated fields where line 1 has 4/);
    const skipped = await reingest(v.id, { badRows: "skip" });
    expect(skipped.status).toBe("READY");
    expect(skipped.rowCount).toBe(199n);
    const rejects = await t.db.ingestReject.findMany({ where: { versionId: skipped.id } });
    expect(rejects.map((r) => Number(r.line))).toContain(78);
  });

  it("reads custom quote, escape, null strings and date and timestamp formats", async () => {
    const body = ["id;note;day;at", "1;'it\\'s; fine';31/12/2024;31/12/2024 23:59", "2;NA;01/02/2024;-"].join("\n");
    const v = await ingest("dialect.csv", body + "\n", {
      delimiter: ";",
      quote: "'",
      escape: "\\",
      nullStrings: ["NA", "-"],
      dateFormat: "%d/%m/%Y",
      timestampFormat: "%d/%m/%Y %H:%M",
    });
    expect(v.status).toBe("READY");
    expect(cols(v)).toEqual(["id:BIGINT", "note:VARCHAR", "day:DATE", "at:TIMESTAMP"]);
    expect(rows(v)[0]).toMatchObject({ note: "it's; fine", day: "2024-12-31" });
    expect(rows(v)[1]).toMatchObject({ note: null, day: "2024-02-01", at: null });
  });
});

describe("appends", () => {
  it("re-reads a failed append with new options as an append; a READY append stays locked", async () => {
    const base = await ingest("base.csv", "id,name\n1,Ann\n");
    expect(base.status).toBe("READY");
    const bytes = Buffer.from("id,name\n2,José\n", "latin1");
    const ctx = ctxOf(user);
    const up = await createUpload(t.db, ctx, {
      filename: "more.csv",
      sizeBytes: BigInt(bytes.length),
      appendToDatasetId: base.datasetId,
    });
    await deps.storage.put(up.storageKey, Readable.from([bytes]));
    await finishUpload(t.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(bytes.length) });
    const failed = await t.db.datasetVersion.findFirstOrThrow({ where: { uploadId: up.uploadId } });
    await runTask(makeIngestTask(deps), { datasetVersionId: failed.id });
    expect((await read(failed.id)).error).toMatch(/^more\.csv is not UTF-8 text: line 2/);
    const fixed = await reingest(failed.id, { encoding: "windows-1252" });
    expect(fixed).toMatchObject({ status: "READY", append: true, rowCount: 2n });
    expect(rows(fixed).map((r) => r.name)).toEqual(["Ann", "José"]);
    await expect(
      reingestVersion(t.db, ctx, { versionId: fixed.id, options: ZIngestOptions.parse({}) }),
    ).rejects.toThrow(/appends a file to an earlier version/);
  });
});
