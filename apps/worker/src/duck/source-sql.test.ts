import { describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { buildProjection, csvTypes, readExpression, type ReadSpec } from "./source-sql";

const src = [
  { name: "id", type: "BIGINT" },
  { name: "Zip Code", type: "BIGINT" },
];
const spec = (format: ReadSpec["format"], o: object = {}): ReadSpec => ({
  file: "/tmp/it's.csv",
  format,
  compression: "none",
  options: ZIngestOptions.parse(o),
});

describe("source-sql", () => {
  it("quotes the path and passes the chosen dialect and types to read_csv", () => {
    const s = { ...spec("csv", { delimiter: "\\t", header: false }), types: { "Zip Code": "VARCHAR" } };
    expect(readExpression(s)).toBe(
      "read_csv('/tmp/it''s.csv', compression = 'uncompressed', delim = '\t', header = false, types = {'Zip Code': 'VARCHAR'})",
    );
  });

  it("renames in the projection and casts only for formats that cannot parse into a type", () => {
    const o = { columns: [{ name: "Zip Code", rename: "zip", type: "VARCHAR" }] };
    expect(buildProjection(spec("csv", o), src).sql).toMatch(/^SELECT "id", "Zip Code" AS "zip" FROM read_csv/);
    const p = buildProjection(spec("parquet", o), src);
    expect(p.sql).toMatch(/^SELECT "id", CAST\("Zip Code" AS VARCHAR\) AS "zip" FROM read_parquet/);
    expect(p.columns).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "zip", type: "VARCHAR" },
    ]);
    expect(buildProjection(spec("ndjson", { ...o, badRows: "skip" }), src).sql).toMatch(
      /TRY_CAST.*ignore_errors = true\) WHERE NOT \("id" IS NULL AND "Zip Code" IS NULL\)$/,
    );
  });

  it("refuses two columns with one name", () => {
    expect(() =>
      buildProjection(spec("csv", { columns: [{ name: "id", rename: "Zip_Code" }] }), [
        { name: "id", type: "BIGINT" },
        { name: "zip_code", type: "BIGINT" },
      ]),
    ).toThrow(/Two columns would be named "zip_code"/i);
  });

  it("reads an append into the dataset's columns, order and types, or says what differs", () => {
    const target = [
      { name: "zip", type: "VARCHAR" },
      { name: "id", type: "BIGINT" },
    ];
    const o = ZIngestOptions.parse({ columns: [{ name: "Zip Code", rename: "zip" }] });
    expect(csvTypes(o, src, target)).toEqual({ id: "BIGINT", "Zip Code": "VARCHAR" });
    expect(buildProjection({ ...spec("csv"), options: o }, src, target).sql).toMatch(
      /^SELECT "Zip Code" AS "zip", "id" FROM/,
    );
    expect(() => buildProjection(spec("csv"), src, target)).toThrow(/missing "zip"; not in the dataset: "Zip Code"/);
  });
});
