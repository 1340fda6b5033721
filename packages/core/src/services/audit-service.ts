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

/**
 * Appends one event to the tenant's hash chain inside the caller's
 * transaction. A per-tenant advisory lock orders concurrent writers, so seq
 * has no gaps and every event links to the one before.
 */
export async function appendAudit(tx: Tx | Sql, input: AuditInput): Promise<void> {
  const sql = sqlOf(tx);
  await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 7))`, [input.tenantId]);
  const [last] = await sql.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM "AuditEvent" WHERE "tenantId" = $1 ORDER BY seq DESC LIMIT 1`,
    [input.tenantId],
  );
  const record: AuditRecord = {
    tenantId: input.tenantId,
    seq: (last?.seq ?? 0) + 1,
    actorId: input.actor.id,
    actorType: input.actor.type,
    action: input.action,
    target: input.target ?? null,
    ip: input.actor.ip ?? null,
    userAgent: input.actor.userAgent ?? null,
    metadata: JSON.parse(JSON.stringify(input.metadata ?? {}, jsonSafe)) as unknown,
    createdAt: new Date(),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await sql.query(
    `INSERT INTO "AuditEvent" ("tenantId", seq, "actorId", "actorType", action, target, ip, "userAgent", metadata, "createdAt", "prevHash", hash)
     VALUES ($1, $2::int, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::timestamptz AT TIME ZONE 'UTC', $11, $12)`,
    [
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
      prevHash,
      chainHash(prevHash, record),
    ],
  );
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
