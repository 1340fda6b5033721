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
      // All-NULL records are rows: no ignore_errors, no filter (bad lines are taken out before DuckDB reads).
      /TRY_CAST.*compression = 'uncompressed'\)$/,
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

  it("passes every reading option to read_csv", () => {
    const o = {
      quote: "'",
      escape: "\\",
      nullStrings: ["NA", "-"],
      dateFormat: "%d/%m/%Y",
      timestampFormat: "%d/%m/%Y %H:%M",
      maxLineBytes: 30_000_000,
    };
    expect(readExpression(spec("csv", o))).toBe(
      "read_csv('/tmp/it''s.csv', compression = 'uncompressed', quote = '''', escape = '\\', " +
        "nullstr = ['', 'NA', '-'], dateformat = '%d/%m/%Y', timestampformat = '%d/%m/%Y %H:%M', max_line_size = 30000000, buffer_size = 60000000)",
    );
  });

  it("reads each JSON layout with its read_json format, records as large as the line size", () => {
    expect(readExpression(spec("json"))).toMatch(/format = 'array'/);
    expect(readExpression(spec("ndjson"))).toMatch(/format = 'newline_delimited'/);
    expect(readExpression(spec("json-document", { maxLineBytes: 50_000_000 }))).toBe(
      "read_json('/tmp/it''s.csv', format = 'unstructured', compression = 'uncompressed', maximum_object_size = 50000000)",
    );
  });

  it("reads flattened struct fields by path, renamable like any column", () => {
    const cols = [
      { name: "id", type: "BIGINT" },
      { name: "a_b", type: "VARCHAR", path: ["a", "b"] },
      { name: "a_c_d", type: "BIGINT", path: ["a", "c", "d"] },
    ];
    const p = buildProjection(spec("ndjson", { columns: [{ name: "a_c_d", rename: "depth", type: "DOUBLE" }] }), cols);
    expect(p.sql).toBe(
      `SELECT "id", struct_extract("a", 'b') AS "a_b", ` +
        `CAST(struct_extract(struct_extract("a", 'c'), 'd') AS DOUBLE) AS "depth" FROM read_json(` +
        `'/tmp/it''s.csv', format = 'newline_delimited', compression = 'uncompressed')`,
    );
  });
});
