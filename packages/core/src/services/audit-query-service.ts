import { verifyChain, type AuditRecord, type ChainBreak } from "../audit";
import type { Db, Prisma, Tx } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { recordAudit } from "./audit-service";

export interface AuditFilter {
  actorId?: string;
  /** Prefix match: "member" finds member.invite, member.role_change, … */
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
}

function where(tenantId: string | undefined, f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(tenantId ? { tenantId } : {}),
    ...(f.actorId ? { actorId: f.actorId } : {}),
    ...(f.action ? { action: { startsWith: f.action } } : {}),
    ...(f.target ? { target: f.target } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
  };
}

const toItem = <T extends { id: bigint; actorId: string | null; target: string | null }>(
  r: T,
  labels: Map<string, string>,
) => ({
  ...r,
  id: r.id.toString(),
  actorLabel: labels.get(r.actorId ?? "") ?? null,
  /** A member's e-mail or a key's name when the target is a user or a key. */
  targetLabel: labels.get(r.target ?? "") ?? null,
});

/** People read emails and key names, not ids: a label for each actor (and user or key target) on the page. */
async function actorLabels(
  tx: Tx,
  rows: Array<{ actorType: string; actorId: string | null; target: string | null }>,
): Promise<Map<string, string>> {
  const targets = rows.map((r) => r.target).filter((t): t is string => !!t);
  const ids = (type: string) => [
    ...new Set([...rows.filter((r) => r.actorType === type && r.actorId).map((r) => r.actorId!), ...targets]),
  ];
  const users = await tx.user.findMany({ where: { id: { in: ids("USER") } }, select: { id: true, email: true } });
  const keys = await tx.apiKey.findMany({
    where: { id: { in: ids("API_KEY") } },
    select: { id: true, name: true, prefix: true },
  });
  return new Map([
    ...users.map((u) => [u.id, u.email] as const),
    ...keys.map((k) => [k.id, `key ${k.name} (si_${k.prefix})`] as const),
  ]);
}

/** One tenant's events, newest first, keyset-paged by seq. */
export async function findAuditEvents(
  db: Db,
  ctx: TenantCtx,
  opts: AuditFilter & { limit: number; beforeSeq?: number },
) {
  requirePermission(ctx, "audit.read");
  const { rows, labels } = await tenantTx(db, ctx.tenantId, async (tx) => {
    const found = await tx.auditEvent.findMany({
      where: { ...where(ctx.tenantId, opts), ...(opts.beforeSeq ? { seq: { lt: opts.beforeSeq } } : {}) },
      orderBy: { seq: "desc" },
      take: opts.limit + 1,
    });
    return { rows: found, labels: await actorLabels(tx, found) };
  });
  const page = rows.slice(0, opts.limit);
  return { items: page.map((r) => toItem(r, labels)), nextCursor: rows.length > opts.limit ? page.at(-1)!.seq : null };
}

/** Every tenant's events (platform console), newest first, keyset-paged by (createdAt, id). */
export async function findAllAuditEvents(
  db: Db,
  opts: AuditFilter & { tenantId?: string; limit: number; before?: { createdAt: Date; id: string } },
) {
  const b = opts.before;
  const { rows, labels } = await systemTx(db, async (tx) => {
    const found = await tx.auditEvent.findMany({
      where: {
        ...where(opts.tenantId, opts),
        ...(b
          ? { OR: [{ createdAt: { lt: b.createdAt } }, { createdAt: b.createdAt, id: { lt: BigInt(b.id) } }] }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
    });
    return { rows: found, labels: await actorLabels(tx, found) };
  });
  const page = rows.slice(0, opts.limit).map((r) => toItem(r, labels));
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: rows.length > opts.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

const BATCH = 1000;

/** Events in chain order, a batch at a time, so exports and verification use bounded memory. */
export async function* iterateAuditEvents(
  db: Db,
  tenantId: string,
  filter: AuditFilter = {},
  scope: "tenant" | "system" = "tenant",
) {
  let afterSeq = 0;
  for (;;) {
    const run = (tx: Tx) =>
      tx.auditEvent.findMany({
        where: { ...where(tenantId, filter), seq: { gt: afterSeq } },
        orderBy: { seq: "asc" },
        take: BATCH,
      });
    const rows = scope === "system" ? await systemTx(db, run) : await tenantTx(db, tenantId, run);
    if (!rows.length) return;
    yield rows;
    afterSeq = rows.at(-1)!.seq;
  }
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBreak: ChainBreak | null;
}

/** Recomputes the tenant's hash chain from the first event and reports the first break. */
export async function verifyAuditChain(
  db: Db,
  tenantId: string,
  scope: "tenant" | "system" = "tenant",
): Promise<ChainReport> {
  let start: { seq: number; hash: string } | undefined;
  let checked = 0;
  for await (const rows of iterateAuditEvents(db, tenantId, {}, scope)) {
    const events = rows.map((r) => {
      const { id: _id, ...rest } = r;
      return rest as AuditRecord & { prevHash: string; hash: string };
    });
    const brk = verifyChain(events, start);
    if (brk)
      return {
        ok: false,
        checked: checked + events.findIndex((e) => e.seq === brk.seq),
        lastSeq: brk.seq,
        firstBreak: brk,
      };
    checked += events.length;
    const last = events.at(-1)!;
    start = { seq: last.seq, hash: last.hash };
  }
  return { ok: true, checked, lastSeq: start?.seq ?? 0, firstBreak: null };
}

/**
 * An export of the caller's own audit log (permission checked, the export
 * itself audited): the events, a batch at a time, for the route to stream.
 */
export async function startAuditExport(db: Db, ctx: TenantCtx, filter: AuditFilter, format: "ndjson" | "csv") {
  requirePermission(ctx, "audit.read");
  await recordAudit(db, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: "audit.export",
    metadata: { format, ...filter },
  });
  return iterateAuditEvents(db, ctx.tenantId, filter);
}

export async function verifyOwnAuditChain(db: Db, ctx: TenantCtx): Promise<ChainReport> {
  requirePermission(ctx, "audit.read");
  return verifyAuditChain(db, ctx.tenantId);
}
