import { chainHash, GENESIS_HASH, type AuditRecord } from "../audit";
import type { Db, Tx } from "../db/client";
import type { Actor, TenantCtx } from "../tenant-context";
import { tenantTx } from "../db/scoped";
import { sqlOf, utc, type Sql } from "../db/sql";

export interface AuditInput {
  tenantId: string;
  actor: Actor;
  action: string;
  target?: string | null;
  metadata?: Record<string, unknown>;
}

/** The per-workspace lock that orders appends to its chain (`$1`: the tenant id). */
export const AUDIT_LOCK_SQL = `pg_advisory_xact_lock(hashtextextended($1, 7))`;

/**
 * The chain's last link as this process last wrote it, per workspace. Only a
 * guess: an append built on it is inserted only if it still is the chain's
 * last row (another process, a rolled-back transaction), else it reads the
 * real one. Saves the read while holding the lock.
 */
// On globalThis: Next bundles route handlers separately, each with its own copy of this module.
const TAILS = Symbol.for("scrollintel.audit.tails");
const g = globalThis as unknown as { [TAILS]?: Map<string, { seq: number; hash: string }> };
const tails = (g[TAILS] ??= new Map());
const MAX_TAILS = 10_000;

function rememberTail(tenantId: string, tail: { seq: number; hash: string }): void {
  tails.delete(tenantId);
  if (tails.size >= MAX_TAILS) tails.delete(tails.keys().next().value!);
  tails.set(tenantId, tail);
}

const INSERT_COLUMNS = `("tenantId", seq, "actorId", "actorType", action, target, ip, "userAgent", metadata, "createdAt", "prevHash", hash)`;
const INSERT_VALUES = `$1, $2::int, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::timestamptz AT TIME ZONE 'UTC', $11, $12`;

/**
 * Appends one event to the tenant's hash chain inside the caller's
 * transaction. A per-tenant advisory lock orders concurrent writers, so seq
 * has no gaps and every event links to the one before. `locked`: the caller's
 * transaction already holds AUDIT_LOCK_SQL for this tenant.
 */
export async function appendAudit(tx: Tx | Sql, input: AuditInput, opts: { locked?: boolean } = {}): Promise<void> {
  const sql = sqlOf(tx);
  if (!opts.locked) await sql.query(`SELECT 1 AS locked FROM ${AUDIT_LOCK_SQL}`, [input.tenantId]);
  // Under the lock (a statement after the one that took it, so it sees every earlier holder's commit).
  const guess = tails.get(input.tenantId);
  if (guess) {
    const params = auditRow(input, guess);
    const [ok] = await sql.query<{ seq: number }>(
      `INSERT INTO "AuditEvent" ${INSERT_COLUMNS}
       SELECT ${INSERT_VALUES}
        WHERE EXISTS (SELECT 1 FROM (SELECT seq, hash FROM "AuditEvent" WHERE "tenantId" = $1 ORDER BY seq DESC LIMIT 1) l
                       WHERE l.seq = $2::int - 1 AND l.hash = $11)
       RETURNING seq`,
      params,
    );
    if (ok) return rememberTail(input.tenantId, { seq: params[1] as number, hash: params[11] as string });
  }
  const [last] = await sql.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM "AuditEvent" WHERE "tenantId" = $1 ORDER BY seq DESC LIMIT 1`,
    [input.tenantId],
  );
  const params = auditRow(input, last ?? { seq: 0, hash: GENESIS_HASH });
  await sql.query(`INSERT INTO "AuditEvent" ${INSERT_COLUMNS} VALUES (${INSERT_VALUES})`, params);
  rememberTail(input.tenantId, { seq: params[1] as number, hash: params[11] as string });
}

/** The insert's parameters for the event after `prev`, its hash linking to prev's. */
function auditRow(input: AuditInput, prev: { seq: number; hash: string }): unknown[] {
  const record: AuditRecord = {
    tenantId: input.tenantId,
    seq: prev.seq + 1,
    actorId: input.actor.id,
    actorType: input.actor.type,
    action: input.action,
    target: input.target ?? null,
    ip: input.actor.ip ?? null,
    userAgent: input.actor.userAgent ?? null,
    metadata: JSON.parse(JSON.stringify(input.metadata ?? {}, jsonSafe)) as unknown,
    createdAt: new Date(),
  };
  return [
    record.tenantId,
    record.seq,
    record.actorId,
    record.actorType,
    record.action,
    record.target,
    record.ip,
    record.userAgent,
    JSON.stringify(record.metadata),
    utc(record.createdAt),
    prev.hash,
    chainHash(prev.hash, record),
  ];
}

/** Same as appendAudit, in a transaction of its own. */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await tenantTx(db, input.tenantId, (tx) => appendAudit(tx, input));
}

export function auditFromCtx(
  ctx: TenantCtx,
  action: string,
  target?: string,
  metadata?: Record<string, unknown>,
): AuditInput {
  return { tenantId: ctx.tenantId, actor: ctx.actor, action, target, metadata };
}

export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Creates the audit log's monthly partitions ahead of time (see prisma/migrate.ts). */
export async function ensureAuditPartitions(db: Db, monthsAhead = 3): Promise<void> {
  await db.$executeRaw`SELECT si_ensure_audit_partitions(${monthsAhead}::int)`;
}
