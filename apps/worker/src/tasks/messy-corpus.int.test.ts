// Every file of the messy corpus (test/fixtures/messy-corpus.ts) through the
// real ingest task: its rows, rejects, types or error exactly as expected, and
// every record read accounted for as stored or rejected.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { ctxOf } from "../../../../test/factories";
import { MESSY_CASES, type MessyCase, type MessyTools } from "../../../../test/fixtures/messy-corpus";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import { runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let user: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user } = s));

const tools: MessyTools = {
  /** zstd by DuckDB's own writer: it recompresses a CSV as it copies it. */
  async zstd(data) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-messy-"));
    const inst = await DuckDBInstance.create(":memory:");
    const conn = await inst.connect();
    try {
      fs.writeFileSync(path.join(dir, "in.csv"), data);
      await conn.run(
        `COPY (SELECT * FROM read_csv('${dir}/in.csv')) TO '${dir}/out.csv.zst' (FORMAT csv, COMPRESSION zstd)`,
      );
      return fs.readFileSync(path.join(dir, "out.csv.zst"));
    } finally {
      conn.closeSync();
      inst.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function ingestCase(c: MessyCase) {
  const up = await uploadFile(deps, ctxOf(user), c.filename, await c.make(tools));
  if (c.options) {
    // strict: an option name the product does not know fails here, not silently later.
    const options = ZIngestOptions.strict().parse(c.options);
    await t.db.datasetVersion.update({ where: { id: up.versionId }, data: { options } });
  }
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
  const rejects = await t.db.ingestReject.findMany({ where: { versionId: v.id }, orderBy: { line: "asc" } });
  return { v, rejects };
}

function checkReady({ v, rejects }: Awaited<ReturnType<typeof ingestCase>>, e: MessyCase["expect"]) {
  const columns = v.columns as { name: string; type: string }[];
  // Every record read is stored or rejected: none vanishes.
  expect(v.recordsRead).toBe(v.ingestedRows + v.rejectedRows);
  if (e.rows !== undefined) expect(v.rowCount).toBe(BigInt(e.rows));
  if (e.rejected !== undefined) expect(v.rejectedRows).toBe(BigInt(e.rejected));
  if (e.rejectLines) expect(rejects.map((r) => Number(r.line))).toEqual(e.rejectLines);
  if (e.columnCount !== undefined) {
    expect(columns).toHaveLength(e.columnCount);
    const names = columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.trim().length > 0)).toBe(true);
  }
  for (const [name, type] of Object.entries(e.types ?? {})) {
    expect(columns.find((c) => c.name === name)?.type, name).toBe(type);
  }
  // Previews are JSON-safe (a BIGINT is a string there): compare as text.
  const text = (r: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(r).map(([k, x]) => [k, String(x)]));
  if (e.firstRow) expect(text((v.preview as Record<string, unknown>[])[0])).toMatchObject(text(e.firstRow));
}

describe("the messy-file corpus through the real worker", () => {
  for (const c of MESSY_CASES) {
    it(c.name, { timeout: 180_000 }, async () => {
      const got = await ingestCase(c);
      expect(got.v.status, got.v.error ?? "").toBe(c.expect.status);
      if (c.expect.status === "FAILED") {
        for (const re of c.expect.error ?? []) expect(got.v.error).toMatch(re);
        for (const re of c.expect.errorNot ?? []) expect(got.v.error).not.toMatch(re);
        // Never a partial dataset: a failed version stores no rows.
        expect(got.v.rowCount).toBe(0n);
        return;
      }
      checkReady(got, c.expect);
    });
  }
});
