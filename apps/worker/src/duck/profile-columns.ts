import type { DuckDBConnection } from "@duckdb/node-api";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { lit } from "./open-duck";
import { readFooterStats, type FooterStats } from "./profile-footer";
import { estimateDistinct, hllSql, rankOf } from "./profile-hll";
import { elementTypeOf, kindOf, mapTypesOf, structFieldsOf } from "./profile-kind";
import { histogramSql, passSql, readPass, type PassStats } from "./profile-pass";
import { profileSample, type SampleStats } from "./profile-sample-stats";
import { ident, type Col } from "./source-sql";

/** Columns per aggregate query, and at most this many columns in all: a wide table stays bounded in time. */
const BATCH = 24;
export const MAX_PROFILED_COLUMNS = 256;

type Row = Record<string, unknown>;

async function one(conn: DuckDBConnection, sql: string): Promise<Row> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson()[0] as Row;
}

/** Distinct values of one column over every row (it reads only that column). */
async function countDistinct(conn: DuckDBConnection, from: string, c: Col): Promise<number> {
  const rows = (await conn.runAndReadAll(hllSql(ident(c.name), from))).getRowObjectsJson();
  return estimateDistinct(rows.map((r) => ({ reg: Number(r.reg), rank: rankOf(BigInt(String(r.low))) })));
}

/** Distinct counts the pass already settles exactly (no values, one value, booleans): no sketch needed. */
function knownDistinct(c: Col, pass: PassStats, total: number): number | null {
  if (pass.nulls === total) return 0;
  if (kindOf(c.type) === "boolean") return pass.histogram.length;
  const k = kindOf(c.type);
  if ((k === "number" || k === "time" || k === "string") && pass.min != null && pass.min === pass.max) return 1;
  return null;
}

function nestedOf(c: Col): Pick<ColumnProfile, "elementType" | "fields"> {
  const k = kindOf(c.type);
  if (k === "list") return { elementType: elementTypeOf(c.type), fields: null };
  if (k === "map") {
    const m = mapTypesOf(c.type);
    return { elementType: `${m.key} → ${m.value}`, fields: null };
  }
  if (k === "struct") return { elementType: null, fields: structFieldsOf(c.type) };
  return { elementType: null, fields: null };
}

function toProfile(c: Col, total: number, pass: PassStats, distinct: number, sample: SampleStats): ColumnProfile {
  return {
    name: c.name,
    type: c.type,
    kind: kindOf(c.type),
    count: total,
    nulls: pass.nulls,
    // The estimate can overshoot slightly; it never may exceed the non-null rows.
    distinct: Math.min(distinct, total - pass.nulls),
    min: pass.min,
    max: pass.max,
    mean: pass.mean,
    quantiles: sample.quantiles.get(c.name) ?? null,
    top: sample.top.get(c.name) ?? [],
    histogram: sample.histograms.get(c.name) ?? pass.histogram,
    sampleRows: sample.rows,
    length: pass.length,
    ...nestedOf(c),
  };
}

/**
 * Column profiles over the written Parquet parts, deterministic for the same
 * rows. Exact over every row: nulls, min, max (footer statistics where they
 * are exact), means, boolean counts and list/map lengths, in one aggregate
 * pass per batch of columns; distinct counts are a HyperLogLog over every
 * row. Histograms, top values and quartiles are exact counts in a stated
 * row sample spread over the whole file (every row up to
 * PROFILE_SAMPLE_ROWS): an all-row histogram cost 60% of the pass.
 */
export async function profileColumns(
  conn: DuckDBConnection,
  parquetFiles: string[],
  columns: Col[],
  totalRows: number,
): Promise<ColumnProfile[]> {
  const cols = columns.slice(0, MAX_PROFILED_COLUMNS);
  const from = `read_parquet([${parquetFiles.map(lit).join(", ")}])`;
  const footers: Map<string, FooterStats> = await readFooterStats(conn, parquetFiles, cols);
  const passes = new Map<string, PassStats>();
  for (let start = 0; start < cols.length; start += BATCH) {
    const batch = cols.slice(start, start + BATCH);
    const sel = batch.flatMap((c, i) => passSql(c, i, footers.get(c.name)));
    // Footers can answer a whole batch (strings with exact bounds and null counts): then no scan at all.
    const r = sel.length ? await one(conn, `SELECT ${sel.join(", ")} FROM ${from}`) : {};
    batch.forEach((c, i) => passes.set(c.name, readPass(c, i, r, totalRows, footers.get(c.name))));
  }
  const distinct = new Map<string, number>();
  for (const c of cols) {
    const pass = passes.get(c.name)!;
    distinct.set(c.name, knownDistinct(c, pass, totalRows) ?? (await countDistinct(conn, from, c)));
  }
  const sampled = cols.filter((c) => ["number", "time", "string"].includes(kindOf(c.type)));
  const histograms = new Map<string, string>();
  for (const c of sampled) {
    const h = histogramSql(c, footers.get(c.name));
    if (h) histograms.set(c.name, h);
  }
  const sample = await profileSample(conn, parquetFiles, sampled, totalRows, columns, histograms);
  return cols.map((c) => toProfile(c, totalRows, passes.get(c.name)!, distinct.get(c.name)!, sample));
}
