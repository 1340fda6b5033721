import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { DatabaseDump, DumpedTable } from "./backup-manifest";
import { HashStream } from "./hash-stream";

/** Schemas that hold the product's rows; migration bookkeeping is rebuilt by the migrations themselves. */
export const DUMPED_SCHEMAS = ["public", "graphile_worker"];
const SKIPPED = [
  ["public", "_prisma_migrations"],
  ["graphile_worker", "migrations"],
];

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Every table (a partitioned one as its parent) whose rows a backup holds, with its stored columns. */
export async function findDumpedTables(
  c: pg.ClientBase,
): Promise<{ schema: string; table: string; columns: string[] }[]> {
  const r = await c.query<{ schema: string; table: string; columns: string[] }>(
    `SELECT n.nspname::text AS schema, c.relname::text AS table,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [DUMPED_SCHEMAS],
  );
  return r.rows.filter((t) => !SKIPPED.some(([s, n]) => s === t.schema && n === t.table));
}

/** Counts rows of COPY text as it passes: one line a row (newlines inside values are escaped). */
class LineCounter extends Transform {
  lines = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    this.push(chunk);
    done();
  }
}

async function dumpTable(
  c: pg.ClientBase,
  dir: string,
  t: { schema: string; table: string; columns: string[] },
): Promise<DumpedTable> {
  const file = path.join("db", `${t.schema}.${t.table}.copy.gz`);
  const cols = t.columns.map(quoteIdent).join(", ");
  const source = c.query(copyTo(`COPY (SELECT ${cols} FROM ${quoteIdent(t.schema)}.${quoteIdent(t.table)}) TO STDOUT`));
  const counter = new LineCounter();
  const hash = new HashStream();
  await pipeline(source, counter, createGzip({ level: 3 }), hash, fs.createWriteStream(path.join(dir, file)));
  return { ...t, rows: counter.lines, file, bytes: hash.bytes, sha256: hash.digest() };
}

/**
 * Writes every table's rows (COPY text, gzipped) under dir/db and returns what
 * restore needs besides them. Run it inside one REPEATABLE READ transaction:
 * all tables then come from one snapshot, as with pg_dump.
 */
export async function dumpDatabase(c: pg.ClientBase, dir: string): Promise<DatabaseDump> {
  fs.mkdirSync(path.join(dir, "db"), { recursive: true });
  const tables: DumpedTable[] = [];
  for (const t of await findDumpedTables(c)) tables.push(await dumpTable(c, dir, t));
  const version = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const migrations = await c.query<{ name: string }>(
    `SELECT migration_name AS name FROM public._prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  const sequences = await c.query<{ schema: string; name: string; lastValue: string | null }>(
    `SELECT schemaname::text AS schema, sequencename::text AS name, last_value::text AS "lastValue"
       FROM pg_sequences WHERE schemaname = ANY($1::text[]) ORDER BY 1, 2`,
    [DUMPED_SCHEMAS],
  );
  const partitions = await c.query<{ name: string; bound: string }>(
    `SELECT c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public."AuditEvent"'::regclass ORDER BY 1`,
  );
  return {
    serverVersion: version.rows[0]!.v,
    migrations: migrations.rows.map((m) => m.name),
    tables,
    sequences: sequences.rows,
    auditPartitions: partitions.rows,
  };
}
