// Conversion keeps the source's row order, so "First rows" are the file's
// first rows: DuckDB's parallel part writers did not (part 0 began mid-file).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertToParquet, describeParts } from "./convert-to-parquet";
import { closeDuck, openDuck, type Duck } from "./open-duck";

const ROWS = 2_000_000;
let root: string;
let duck: Duck;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-convert-"));
  duck = await openDuck({ memoryLimit: "512MB", threads: 2, tempDir: path.join(root, "spill") });
  await duck.conn.run(
    `COPY (SELECT range AS id, md5(range::VARCHAR) AS s FROM range(${ROWS})) TO '${root}/src.csv' (HEADER)`,
  );
}, 60_000);
afterAll(() => {
  closeDuck(duck);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("convertToParquet", () => {
  it("writes rows in file order, and the preview is the file's first rows", async () => {
    const out = await convertToParquet(duck.conn, `SELECT * FROM read_csv('${root}/src.csv')`, path.join(root, "out"));
    expect(out.rows).toBe(BigInt(ROWS));
    let offset = 0;
    let misplaced = 0;
    for (const f of out.files) {
      const [r] = (
        await duck.conn.runAndReadAll(
          `SELECT count(*) AS n, count(*) FILTER (WHERE id <> file_row_number + ${offset}) AS bad ` +
            `FROM read_parquet('${f}', file_row_number = true)`,
        )
      ).getRowObjectsJson();
      offset += Number(r!.n);
      misplaced += Number(r!.bad);
    }
    expect(offset).toBe(ROWS);
    expect(misplaced).toBe(0);
    const d = await describeParts(duck.conn, out.files, 50);
    expect(d.preview.map((r) => Number(r.id))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  }, 120_000);
});
