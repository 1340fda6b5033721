// Profiles against exact figures DuckDB computes on the same rows: 1.2M rows
// in two parts, a unique id, an 870,000-value id, a 10-value category with
// NULLs, a float column; then every type DuckDB can produce.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { closeDuck, openDuck, type Duck } from "./open-duck";
import { profileColumns } from "./profile-columns";
import { findPartRows, PROFILE_SAMPLE_ROWS, sampleSql, uniformSampleSql } from "./profile-sample";

const ROWS = 1_200_000;
let root: string;
let duck: Duck;
let parts: string[];

const rows = async (sql: string) => (await duck.conn.runAndReadAll(sql)).getRowObjectsJson();
const columnsOf = async (files: string[]) =>
  (await rows(`DESCRIBE SELECT * FROM read_parquet([${files.map((f) => `'${f}'`).join(", ")}])`)).map((c) => ({
    name: String(c.column_name),
    type: String(c.column_type),
  }));
const profile = async (files: string[], total: number) =>
  profileColumns(duck.conn, files, await columnsOf(files), total);
const byName = (p: ColumnProfile[], n: string) => p.find((c) => c.name === n)!;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-profile-"));
  duck = await openDuck({ memoryLimit: "512MB", threads: 2, tempDir: path.join(root, "spill") });
  // order_id unique; customer_id takes 870,000 values (7919 is prime to 870,000, so each period hits all);
  // category 10 values, every 97th row NULL; amount a float from a hash.
  const gen = (lo: number, hi: number) =>
    `SELECT range + 1 AS order_id, (range * 7919) % 870000 AS customer_id, ` +
    `CASE WHEN range % 97 = 0 THEN NULL ELSE 'cat_' || (range % 10) END AS category, ` +
    `(hash(range) % 100000) / 100.0 AS amount FROM range(${lo}, ${hi})`;
  parts = [path.join(root, "p0.parquet"), path.join(root, "p1.parquet")];
  await duck.conn.run(`COPY (${gen(0, 700_000)}) TO '${parts[0]}' (FORMAT parquet)`);
  await duck.conn.run(`COPY (${gen(700_000, ROWS)}) TO '${parts[1]}' (FORMAT parquet)`);
}, 120_000);
afterAll(() => {
  closeDuck(duck);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("profileColumns", () => {
  let first: ColumnProfile[];

  it("matches exact figures: nulls, min, max and mean exactly, distinct within 3%", async () => {
    first = await profile(parts, ROWS);
    const src = `read_parquet(['${parts[0]}', '${parts[1]}'])`;
    for (const name of ["order_id", "customer_id", "category", "amount"]) {
      const [exact] = await rows(
        `SELECT count(*) - count("${name}") AS nulls, count(DISTINCT "${name}") AS d, min("${name}") AS lo, max("${name}") AS hi FROM ${src}`,
      );
      const p = byName(first, name);
      expect(p.count).toBe(ROWS);
      expect(p.nulls).toBe(Number(exact!.nulls));
      expect(p.min).toEqual(exact!.lo);
      expect(p.max).toEqual(exact!.hi);
      const d = Number(exact!.d);
      expect(Math.abs(p.distinct - d) / d, `${name}: ${p.distinct} vs ${d}`).toBeLessThan(0.03);
    }
    expect(byName(first, "category").distinct).toBe(10);
    expect(byName(first, "order_id").mean).toBe(600_000.5);
    const [m] = await rows(`SELECT avg(customer_id) AS c, avg(amount) AS a FROM ${src}`);
    expect(byName(first, "customer_id").mean).toBe(Number(m!.c));
    expect(byName(first, "amount").mean).toBeCloseTo(Number(m!.a), 9);
  }, 120_000);

  it("draws histograms over a stated sample spread over every row, no gaps on ordered ids", async () => {
    const id = byName(first, "order_id");
    const cat = byName(first, "category");
    // About PROFILE_SAMPLE_ROWS rows (a hash of each row's position decides), the same figure for every column.
    expect(Math.abs(cat.sampleRows - PROFILE_SAMPLE_ROWS) / PROFILE_SAMPLE_ROWS).toBeLessThan(0.01);
    expect(id.sampleRows).toBe(cat.sampleRows);
    expect(id.histogram.reduce((s, b) => s + b.count, 0)).toBe(id.sampleRows);
    // Uniform ids: every bin full (the last may be partial), no gaps.
    const perBin = id.sampleRows / (id.histogram.length - 1);
    expect(id.histogram.slice(0, -1).every((b) => b.count > 0.9 * perBin * 0.5)).toBe(true);
    // A sample, not runs: the first bin holds about its share, not a run's worth or none.
    expect(Math.abs(id.histogram[0]!.count - perBin) / perBin).toBeLessThan(0.5);
    expect(cat.top.map((t) => t.value).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `cat_${i}`));
    expect(cat.top.reduce((s, t) => s + t.count, 0)).toBeLessThanOrEqual(cat.sampleRows);
  });

  it("gives the same figures twice", async () => {
    expect(await profile(parts, ROWS)).toEqual(first);
  }, 120_000);

  it("samples the same rows without file_row_number (for files with a column of that name)", async () => {
    const pr = await findPartRows(duck.conn, parts);
    const ids = async (rowNumbers: boolean) =>
      (await rows(`SELECT order_id FROM (${sampleSql(pr, 1600, "order_id", rowNumbers)})`)).map((r) => r.order_id);
    const withNumbers = await ids(true);
    expect(withNumbers).toHaveLength(1600);
    expect(await ids(false)).toEqual(withNumbers);
  }, 60_000);

  it("samples the same rows however the rows were split into parts", async () => {
    const whole = path.join(root, "whole.parquet");
    await duck.conn.run(
      `COPY (SELECT * FROM read_parquet(['${parts[0]}', '${parts[1]}'])) TO '${whole}' (FORMAT parquet)`,
    );
    const ids = async (files: string[]) =>
      (
        await rows(
          `SELECT order_id FROM (${uniformSampleSql(await findPartRows(duck.conn, files), 5000, "order_id")}) ORDER BY 1`,
        )
      ).map((r) => r.order_id);
    const split = await ids(parts);
    expect(Math.abs(split.length - 5000)).toBeLessThan(300);
    expect(await ids([whole])).toEqual(split);
  }, 60_000);

  it("profiles every type DuckDB can produce, nested ones with lengths and fields", async () => {
    const file = path.join(root, "types.parquet");
    await duck.conn.run(`COPY (SELECT
        [[range, 1], NULL, []] AS nested_list,
        CASE WHEN range % 3 = 0 THEN NULL ELSE [range::DOUBLE, 2.25] END AS coords,
        {'a': range, 'b': [1, 2, range]} AS struct_of_lists,
        map([range % 3], ['v' || range]) AS m,
        (range / 7)::DECIMAL(18, 3) AS dec,
        range::HUGEINT * 1000000000000 AS huge,
        INTERVAL 1 DAY * range AS iv,
        ('x' || range)::BLOB AS bl,
        uuid() AS u,
        repeat('z', 300000) || range AS huge_text,
        TIME '10:00:00' + INTERVAL 1 SECOND * range AS t,
        TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL 1 HOUR * range AS tz,
        TIMESTAMP_NS '2024-01-01 00:00:00' + INTERVAL 1 SECOND * range AS ns,
        DATE '2024-01-01' + range::INTEGER AS d,
        [range, range + 1]::INTEGER[2] AS arr,
        range % 2 = 0 AS flag,
        CASE WHEN range = 1 THEN 'NaN'::DOUBLE WHEN range = 2 THEN 'inf'::DOUBLE ELSE range END AS odd_float,
        NULL::VARCHAR AS all_null,
        range AS file_row_number
      FROM range(40)) TO '${file}' (FORMAT parquet)`);
    const p = await profile([file], 40);
    expect(p).toHaveLength(19);
    const coords = byName(p, "coords");
    expect(coords).toMatchObject({
      kind: "list",
      nulls: 14,
      elementType: "DOUBLE",
      length: { min: 2, max: 2, mean: 2 },
    });
    expect(byName(p, "nested_list")).toMatchObject({
      kind: "list",
      elementType: "BIGINT[]",
      length: { min: 3, max: 3 },
    });
    expect(byName(p, "struct_of_lists")).toMatchObject({
      kind: "struct",
      nulls: 0,
      fields: [
        { name: "a", type: "BIGINT" },
        { name: "b", type: "BIGINT[]" },
      ],
    });
    expect(byName(p, "m")).toMatchObject({ kind: "map", elementType: "BIGINT → VARCHAR", length: { min: 1, max: 1 } });
    expect(byName(p, "dec")).toMatchObject({ kind: "number", min: "0.000", max: "5.571" });
    expect(byName(p, "huge").mean).toBe(19.5e12);
    expect(byName(p, "all_null")).toMatchObject({ nulls: 40, distinct: 0, top: [] });
    expect(byName(p, "d").histogram.reduce((s, b) => s + b.count, 0)).toBe(40);
    expect(byName(p, "flag").histogram).toEqual([
      { label: "false", count: 20 },
      { label: "true", count: 20 },
    ]);
    for (const c of p) expect(c.distinct, c.name).toBeLessThanOrEqual(40 - c.nulls);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  }, 60_000);
});
