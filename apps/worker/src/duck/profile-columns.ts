import type { DuckDBConnection } from "@duckdb/node-api";
import type { ColumnProfile, ProfileKind } from "@scrollintel/core/column-profile";
import { lit } from "./open-duck";
import { ident, type Col } from "./source-sql";

/** Columns profiled per query, and at most this many columns in all: a wide table stays bounded in time. */
const BATCH = 24;
export const MAX_PROFILED_COLUMNS = 256;
const BINS = 20;
const TOP = 10;
/**
 * Above this many rows everything but nulls, min and max comes from a sample
 * of at most this many rows (fewer for tables of more than 16 columns), in
 * SAMPLE_SLICES slices spread evenly over the files:
 * profiling then costs about the same for 10 GB as for 100 MB.
 */
export const PROFILE_SAMPLE_ROWS = 262_144;
const SAMPLE_SLICES = 4;

export function kindOf(type: string): ProfileKind {
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(
      type,
    )
  )
    return "number";
  if (/^(DATE|TIMESTAMP)/.test(type) && !type.includes("WITH TIME ZONE")) return "time";
  if (type === "VARCHAR") return "string";
  if (type === "BOOLEAN") return "boolean";
  return "other";
}

type Row = Record<string, unknown>;

async function one(conn: DuckDBConnection, sql: string): Promise<Row> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson()[0] as Row;
}

/**
 * Every row, or PROFILE_SAMPLE_ROWS of them in evenly spaced slices. Slices
 * are row ranges of single files, which DuckDB reads by skipping to their row
 * groups; TABLESAMPLE SYSTEM measured several times slower, as it decodes
 * every row group.
 */
async function sampleSql(conn: DuckDBConnection, files: string[], totalRows: number, columns: number): Promise<string> {
  const all = `SELECT * FROM read_parquet([${files.map(lit).join(", ")}])`;
  // Fewer rows for wide tables, so the materialized sample stays small.
  const target = Math.min(PROFILE_SAMPLE_ROWS, Math.floor((PROFILE_SAMPLE_ROWS * 16) / Math.max(16, columns)));
  if (totalRows <= target) return all;
  const counts = (
    await conn.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata([${files.map(lit).join(", ")}])`)
  ).getRowObjectsJson();
  const rowsOf = new Map(counts.map((r) => [String(r.file_name), Number(r.num_rows)]));
  const slice = Math.floor(target / SAMPLE_SLICES);
  const step = totalRows / SAMPLE_SLICES;
  const parts: string[] = [];
  for (let k = 0; k < SAMPLE_SLICES; k++) {
    let at = Math.floor(k * step);
    for (const f of files) {
      const n = rowsOf.get(f) ?? 0;
      if (at < n) {
        const start = Math.min(at, Math.max(0, n - slice));
        parts.push(
          `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${lit(f)}, file_row_number = true) ` +
            `WHERE file_row_number >= ${start} AND file_row_number < ${start + slice}`,
        );
        break;
      }
      at -= n;
    }
  }
  return parts.join(" UNION ALL ");
}

/** Exact nulls, min and max of every row, from the Parquet footers' statistics: no data is read. */
function metaSql(c: Col, i: number): string[] {
  const where = `FILTER (WHERE path_in_schema = ${lit(c.name)})`;
  const s = [`sum(stats_null_count) ${where} AS nulls${i}`];
  if (kindOf(c.type) !== "other") {
    s.push(`min(TRY_CAST(stats_min_value AS ${c.type})) ${where} AS lo${i}`);
    s.push(`max(TRY_CAST(stats_max_value AS ${c.type})) ${where} AS hi${i}`);
  }
  return s;
}

function statsSql(c: Col, i: number): string[] {
  const x = ident(c.name);
  const k = kindOf(c.type);
  const s = [`count(${x}) AS n${i}`, `approx_count_distinct(${x}) AS d${i}`];
  if (k === "number")
    s.push(`avg(${x})::DOUBLE AS avg${i}`, `approx_quantile(${x}::DOUBLE, [0.25, 0.5, 0.75]) AS q${i}`);
  if (k === "time") s.push(`approx_quantile(${x}, [0.25, 0.5, 0.75]) AS q${i}`);
  if (k === "string") s.push(`approx_top_k(${x}, ${TOP}) AS top${i}`);
  return s;
}

/** Equal-width histograms between min and max; exact counts (in the sample) of the top values. */
function shapeSql(c: Col, i: number, meta: Row, stats: Row): string | null {
  const x = ident(c.name);
  const k = kindOf(c.type);
  if (k === "boolean") return `histogram(${x}) AS h${i}`;
  if (k === "string") {
    const top = (stats[`top${i}`] as unknown[] | null) ?? [];
    if (!top.length) return null;
    return `histogram(${x}) FILTER (WHERE ${x} IN (${top.map((v) => lit(String(v))).join(", ")})) AS h${i}`;
  }
  const lo = meta[`lo${i}`];
  const hi = meta[`hi${i}`];
  if ((k !== "number" && k !== "time") || lo == null || hi == null || lo === hi) return null;
  const t = k === "number" ? "DOUBLE" : "TIMESTAMP";
  const bounds = `equi_width_bins(${lit(String(lo))}::${t}, ${lit(String(hi))}::${t}, ${BINS}, true)`;
  return `histogram(${x}::${t}, ${bounds}) AS h${i}`;
}

function toProfile(
  c: Col,
  i: number,
  total: number,
  scale: number,
  r: { meta: Row; stats: Row; shape: Row },
): ColumnProfile {
  const kind = kindOf(c.type);
  const q = r.stats[`q${i}`] as unknown[] | undefined;
  const h = (r.shape[`h${i}`] as { key: unknown; value: unknown }[] | null | undefined) ?? [];
  const bins = h.map((e) => ({ label: String(e.key), count: Math.round(Number(e.value) * scale) }));
  const nonNull = total - Number(r.meta[`nulls${i}`] ?? 0);
  const d = Number(r.stats[`d${i}`] ?? 0);
  const n = Number(r.stats[`n${i}`] ?? 0);
  // From a sample, a column whose sampled values are (nearly) all different is taken to stay so.
  const distinct = scale > 1 && n > 0 && d > 0.9 * n ? Math.min(nonNull, Math.round(d * scale)) : d;
  return {
    name: c.name,
    type: c.type,
    kind,
    count: total,
    nulls: total - nonNull,
    distinct,
    min: r.meta[`lo${i}`] ?? null,
    max: r.meta[`hi${i}`] ?? null,
    mean: kind === "number" ? ((r.stats[`avg${i}`] as number | null) ?? null) : null,
    quantiles: q ? { q25: q[0] ?? null, q50: q[1] ?? null, q75: q[2] ?? null } : null,
    top:
      kind === "string" ? bins.sort((a, b) => b.count - a.count).map((e) => ({ value: e.label, count: e.count })) : [],
    histogram: kind === "string" ? [] : bins,
    sampled: scale > 1,
  };
}

/**
 * Column profiles over the written Parquet: nulls, min and max of every row
 * from the footers; distinct counts, means, quartiles, top values and
 * histograms from two aggregate passes per batch of columns, over every row
 * up to the sample size and over evenly spaced row slices (counts scaled up) beyond.
 */
export async function profileColumns(
  conn: DuckDBConnection,
  parquetFiles: string[],
  columns: Col[],
  totalRows: number,
): Promise<ColumnProfile[]> {
  const files = `[${parquetFiles.map(lit).join(", ")}]`;
  // Materialized once: the passes below read it three times.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE profile_src AS ${await sampleSql(conn, parquetFiles, totalRows, columns.length)}`,
  );
  const sampled = Number((await one(conn, "SELECT count(*) AS n FROM profile_src")).n);
  const scale = sampled > 0 && sampled < totalRows ? totalRows / sampled : 1;
  const out: ColumnProfile[] = [];
  const cols = columns.slice(0, MAX_PROFILED_COLUMNS);
  for (let start = 0; start < cols.length; start += BATCH) {
    const batch = cols.slice(start, start + BATCH);
    const meta = await one(conn, `SELECT ${batch.flatMap(metaSql).join(", ")} FROM parquet_metadata(${files})`);
    const stats = await one(conn, `SELECT ${batch.flatMap(statsSql).join(", ")} FROM profile_src`);
    const shapes = batch.map((c, i) => shapeSql(c, i, meta, stats)).filter((s): s is string => s !== null);
    const shape = shapes.length ? await one(conn, `SELECT ${shapes.join(", ")} FROM profile_src`) : {};
    batch.forEach((c, i) => out.push(toProfile(c, i, totalRows, scale, { meta, stats, shape })));
  }
  await conn.run("DROP TABLE IF EXISTS profile_src");
  return out;
}
