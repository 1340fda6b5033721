import { chainHash, GENESIS_HASH, type AuditRecord } from "../audit";
import type { Db, Tx } from "../db/client";
import type { Actor, TenantCtx } from "../tenant-context";
import { tenantTx } from "../db/scoped";

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
export async function appendAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${input.tenantId}, 7))`;
  const last = await tx.auditEvent.findFirst({
    where: { tenantId: input.tenantId },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
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
  await tx.auditEvent.create({
    data: { ...record, metadata: record.metadata as object, prevHash, hash: chainHash(prevHash, record) },
  });
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
