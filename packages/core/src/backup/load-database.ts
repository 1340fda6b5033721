import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BackupError } from "./backup-error";
import type { DatabaseDump } from "./backup-manifest";
import { DUMPED_SCHEMAS, findDumpedTables, quoteIdent } from "./dump-database";

const qualified = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

/** Tables holding no rows (what "empty" means for a restore target: schema alone is fine). */
export async function countRows(c: pg.ClientBase): Promise<{ table: string; rows: number }[]> {
  const out: { table: string; rows: number }[] = [];
  for (const t of await findDumpedTables(c)) {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${qualified(t.schema, t.table)} LIMIT 1) x`,
    );
    out.push({ table: `${t.schema}.${t.table}`, rows: Number(r.rows[0]!.n) });
  }
  return out;
}

async function assertSuperuser(c: pg.ClientBase): Promise<void> {
  const r = await c.query<{ su: boolean }>("SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user");
  if (!r.rows[0]?.su)
    throw new BackupError(
      "NEEDS_SUPERUSER",
      "restore loads rows past row-level security and foreign-key triggers: connect as a superuser (DATABASE_URL)",
    );
}

async function createAuditPartitions(c: pg.ClientBase, dump: DatabaseDump): Promise<void> {
  for (const p of dump.auditPartitions) {
    if (
      !/^AuditEvent_[A-Za-z0-9_]+$/.test(p.name) ||
      !/^(DEFAULT|FOR VALUES FROM \('[^']*'\) TO \('[^']*'\))$/.test(p.bound)
    )
      throw new BackupError("BAD_BACKUP", `the backup names an audit partition it should not: ${p.name} ${p.bound}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS public.${quoteIdent(p.name)} PARTITION OF public."AuditEvent" ${p.bound}`,
    );
  }
}

async function loadTables(c: pg.ClientBase, dir: string, dump: DatabaseDump): Promise<void> {
  const present = new Set((await findDumpedTables(c)).map((t) => `${t.schema}.${t.table}`));
  const unknown = dump.tables.filter((t) => !present.has(`${t.schema}.${t.table}`));
  if (unknown.length)
    throw new BackupError("RELEASE_MISMATCH", `the target has no table ${unknown.map((t) => t.table).join(", ")}`);
  // Migrations may have written rows of their own; the dump holds them too.
  const targets = dump.tables.map((t) => qualified(t.schema, t.table)).join(", ");
  if (targets) await c.query(`TRUNCATE ${targets}`);
  for (const t of dump.tables) {
    const cols = t.columns.map(quoteIdent).join(", ");
    const sink = c.query(copyFrom(`COPY ${qualified(t.schema, t.table)} (${cols}) FROM STDIN`));
    await pipeline(fs.createReadStream(path.join(dir, t.file)), createGunzip(), sink);
  }
}

async function setSequences(c: pg.ClientBase, dump: DatabaseDump): Promise<void> {
  for (const s of dump.sequences) {
    if (s.lastValue === null || !DUMPED_SCHEMAS.includes(s.schema)) continue;
    await c.query("SELECT setval($1::regclass, $2::bigint, true)", [qualified(s.schema, s.name), s.lastValue]);
  }
}

/**
 * Loads a dump into a migrated, empty database in one transaction, as a
 * superuser with triggers off (session_replication_role = replica): foreign
 * keys hold in the dump's snapshot, and the append-only audit trigger is not
 * asked to bless a TRUNCATE of nothing. Jobs locked by the old workers are
 * unlocked; those workers are gone.
 */
export async function loadDatabase(c: pg.ClientBase, dir: string, dump: DatabaseDump): Promise<void> {
  await assertSuperuser(c);
  await c.query("BEGIN");
  try {
    await c.query("SET LOCAL session_replication_role = replica");
    await createAuditPartitions(c, dump);
    await loadTables(c, dir, dump);
    await setSequences(c, dump);
    await c.query(
      "UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE locked_by IS NOT NULL",
    );
    await c.query(
      "UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL WHERE locked_by IS NOT NULL",
    );
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
  // New partitions get the app role's privileges revoked, as at every deploy.
  await c.query("SELECT si_ensure_audit_partitions(3)");
}
