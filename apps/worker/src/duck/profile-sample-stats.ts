import type { DuckDBConnection } from "@duckdb/node-api";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { kindOf } from "./profile-kind";
import { findBytesPerRow, findPartRows, sampleSize, sampleSql, uniformSampleSql } from "./profile-sample";
import { ident, type Col } from "./source-sql";

const TOP = 10;
const TABLE = "profile_sample";

export interface SampleStats {
  rows: number;
  top: Map<string, ColumnProfile["top"]>;
  quantiles: Map<string, NonNullable<ColumnProfile["quantiles"]>>;
  histograms: Map<string, ColumnProfile["histogram"]>;
}

/** Histograms of the sampled columns that have one (`histograms`: column name to its aggregate), in one query. */
async function histogramsOf(
  conn: DuckDBConnection,
  histograms: Map<string, string>,
): Promise<SampleStats["histograms"]> {
  const out: SampleStats["histograms"] = new Map();
  const named = [...histograms];
  if (!named.length) return out;
  const sel = named.map(([, sql], i) => `${sql} AS h${i}`);
  const r = (await conn.runAndReadAll(`SELECT ${sel.join(", ")} FROM ${TABLE}`)).getRowObjectsJson()[0]!;
  named.forEach(([name], i) => {
    const h = (r[`h${i}`] as { key: unknown; value: unknown }[] | null) ?? [];
    // Empty bins stay (a gap is a finding), but not the overflow bin past the last edge when empty.
    const bins = h.map((e) => ({ label: String(e.key), count: Number(e.value) }));
    out.set(
      name,
      bins.filter((b, j) => b.count > 0 || j < bins.length - 1),
    );
  });
  return out;
}

/** Quartiles of every number and time column: exact within the sample, one sort each. */
async function quantilesOf(conn: DuckDBConnection, cols: Col[]): Promise<SampleStats["quantiles"]> {
  const out: SampleStats["quantiles"] = new Map();
  const qs = cols.filter((c) => kindOf(c.type) === "number" || kindOf(c.type) === "time");
  if (!qs.length) return out;
  const sel = qs.map((c, i) => `quantile_disc(${ident(c.name)}, [0.25, 0.5, 0.75]) AS q${i}`);
  const r = (await conn.runAndReadAll(`SELECT ${sel.join(", ")} FROM ${TABLE}`)).getRowObjectsJson()[0]!;
  qs.forEach((c, i) => {
    const q = r[`q${i}`] as unknown[] | null;
    if (q) out.set(c.name, { q25: q[0] ?? null, q50: q[1] ?? null, q75: q[2] ?? null });
  });
  return out;
}

/** The most frequent values of a string column, ties broken by value so the list is the same every time. */
async function topOf(conn: DuckDBConnection, c: Col): Promise<ColumnProfile["top"]> {
  const x = ident(c.name);
  const r = await conn.runAndReadAll(
    `SELECT ${x} AS v, count(*) AS n FROM ${TABLE} WHERE ${x} IS NOT NULL GROUP BY ${x} ORDER BY n DESC, v LIMIT ${TOP}`,
  );
  return r.getRowObjectsJson().map((e) => ({ value: String(e.v), count: Number(e.n) }));
}

/**
 * Histograms (`histograms`: column name to its aggregate over the sample),
 * top values and quartiles of `cols` over the version's sample (every row,
 * or rows spread by a hash of their position; see profile-sample), kept once as a
 * temporary table of the sampled columns only: its rows are capped by count
 * and bytes, and DuckDB spills it past its memory limit.
 */
export async function profileSample(
  conn: DuckDBConnection,
  files: string[],
  cols: Col[],
  totalRows: number,
  allColumns: Col[],
  histograms: Map<string, string> = new Map(),
): Promise<SampleStats> {
  const stats: SampleStats = { rows: 0, top: new Map(), quantiles: new Map(), histograms: new Map() };
  const parts = await findPartRows(conn, files);
  const perRow = await findBytesPerRow(
    conn,
    files,
    cols.map((c) => c.name),
  );
  const select = cols.map((c) => ident(c.name)).join(", ") || "1";
  const rowNumbers = !allColumns.some((c) => c.name.toLowerCase() === "file_row_number");
  const size = sampleSize(totalRows, cols.length, perRow);
  // DuckDB refuses file_row_number on a file with a column of that name: evenly spaced runs then.
  const sql = rowNumbers ? uniformSampleSql(parts, size, select) : sampleSql(parts, size, select, false);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${TABLE} AS ${sql}`);
  try {
    const n = (await conn.runAndReadAll(`SELECT count(*) AS n FROM ${TABLE}`)).getRowObjectsJson()[0]?.n;
    stats.rows = Number(n ?? 0);
    if (!cols.length) return stats;
    stats.histograms = await histogramsOf(conn, histograms);
    stats.quantiles = await quantilesOf(conn, cols);
    for (const c of cols.filter((x) => kindOf(x.type) === "string")) stats.top.set(c.name, await topOf(conn, c));
    return stats;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}
