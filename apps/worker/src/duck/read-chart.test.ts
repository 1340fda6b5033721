// A chart of a whole result: every row counts, x is sorted, buckets are bounded,
// and each bucket's min/max keep the extremes an average would hide.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_BUCKETS, CHART_MAX_SERIES } from "@scrollintel/core/services/result-chart-service";
import { closeDuck, openDuck, type Duck } from "./open-duck";
import { readChart } from "./read-chart";

const ROWS = 200_000;
let root: string;
let duck: Duck;
let source: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-chart-"));
  duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  const file = path.join(root, "result.parquet");
  // Rows in reverse time order, 20 regions, one spike at row 123457.
  await duck.conn.run(
    `COPY (SELECT ${ROWS} - range AS order_id,
                  TIMESTAMP '2024-01-01' + INTERVAL (${ROWS} - range) MINUTE AS at,
                  DATE '2024-01-01' + ((range % 30)::INTEGER) AS day,
                  'r' || (range % 20) AS region,
                  CASE WHEN range = 123457 THEN 1e9 ELSE (range % 100)::DOUBLE END AS amount
             FROM range(${ROWS})) TO '${file}' (FORMAT parquet)`,
  );
  source = `read_parquet('${file}')`;
}, 60_000);
afterAll(() => {
  closeDuck(duck);
  fs.rmSync(root, { recursive: true, force: true });
});

const num = (v: unknown) => Number(v);

describe("readChart", () => {
  it("buckets a long time axis, sorted, counting every row and keeping the spike as a max", async () => {
    const rows = await readChart(duck.conn, {
      source,
      x: { name: "at", type: "TIMESTAMP" },
      y: ["amount"],
      series: null,
    });
    expect(rows.length).toBeLessThanOrEqual(CHART_BUCKETS);
    expect(rows.length).toBeGreaterThan(CHART_BUCKETS / 2);
    expect(rows.reduce((n, r) => n + num(r.n), 0)).toBe(ROWS);
    const xs = rows.map((r) => new Date(String(r.x)).getTime());
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(Math.max(...rows.map((r) => num(r.y0_max)))).toBe(1e9);
    expect(Math.max(...rows.map((r) => num(r.y0)))).toBeLessThan(1e9);
  });

  it("keeps exact x values when there are few, one point per x and series", async () => {
    const rows = await readChart(duck.conn, {
      source,
      x: { name: "day", type: "DATE" },
      y: ["amount"],
      series: "region",
    });
    const days = new Set(rows.map((r) => String(r.x)));
    expect(days.size).toBe(30);
    expect(new Set(rows.map((r) => r.s)).size).toBe(CHART_MAX_SERIES);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r.x)))).toBe(true);
  });

  it("charts categories by frequency, sorted by name", async () => {
    const rows = await readChart(duck.conn, {
      source,
      x: { name: "region", type: "VARCHAR" },
      y: ["amount", "order_id"],
      series: null,
    });
    expect(rows.map((r) => r.x)).toEqual([...rows.map((r) => String(r.x))].sort());
    expect(rows).toHaveLength(20);
    expect(rows.reduce((n, r) => n + num(r.n), 0)).toBe(ROWS);
    expect(rows[0]).toHaveProperty("y1_max");
  });
});
