import { accessFor } from "../access/effective-access";
import { OPEN_POLICY, parseStoredPolicy } from "../access/policy";
import type { Db, Tx } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { requirePermission, type Actor, type TenantCtx } from "../tenant-context";
import { recordAudit } from "./audit-service";
import { verifyAuditChain } from "./audit-query-service";
import type { ColumnInfo } from "./dataset-service";

export interface CompliancePeriod {
  from: Date;
  to: Date;
}

const HISTORY_LIMIT = 500;

/** Who can read which datasets and columns, per member, from the policies as they are now. */
async function readAccessMatrix(tx: Tx, tenantId: string) {
  const members = await tx.membership.findMany({
    where: { tenantId },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  const groups = await tx.accessGroup.findMany({
    where: { tenantId },
    include: { members: true },
    orderBy: { name: "asc" },
  });
  const datasets = await tx.dataset.findMany({
    where: { tenantId, trashedAt: null },
    include: { versions: { where: { trashedAt: null }, orderBy: { version: "desc" }, take: 5 } },
    orderBy: { name: "asc" },
  });
  const policies = new Map(
    (await tx.datasetPolicy.findMany({ where: { tenantId } })).map((p) => [p.datasetId, parseStoredPolicy(p.policy)]),
  );
  const principals = members.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    role: m.role as string,
    groupIds: groups.filter((g) => g.members.some((x) => x.userId === m.userId)).map((g) => g.id),
    attributes: (m.attributes ?? {}) as Record<string, string>,
  }));
  return {
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      members: principals.filter((p) => p.groupIds.includes(g.id)).map((p) => p.email),
    })),
    datasets: datasets.map((d) => {
      const v = d.versions.find((x) => x.version === d.readyVersion) ?? d.versions[0];
      const columns = ((v?.columns ?? []) as unknown as ColumnInfo[]).map((c) => c.name);
      const policy = policies.get(d.id) ?? OPEN_POLICY;
      return {
        datasetId: d.id,
        name: d.name,
        visibility: policy.visibility,
        columns,
        readers: principals.map((p) => {
          const a = accessFor(policy, p);
          return {
            userId: p.userId,
            email: p.email,
            role: p.role,
            visible: a.visible,
            clearColumns: a.visible ? columns.filter((c) => !a.masks[c]) : [],
            maskedColumns: a.visible ? a.masks : {},
            rowFilters: a.visible ? a.rowFilters : [],
          };
        }),
      };
    }),
  };
}

/** Key usage: every key, when it was last used, and the requests it made that the audit log holds for the period. */
async function readKeyUsage(tx: Tx, tenantId: string, period: CompliancePeriod) {
  const keys = await tx.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } });
  const counts = await tx.auditEvent.groupBy({
    by: ["actorId"],
    where: { tenantId, actorType: "API_KEY", createdAt: { gte: period.from, lt: period.to } },
    _count: { _all: true },
  });
  const byKey = new Map(counts.map((c) => [c.actorId, c._count._all]));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
    auditedActionsInPeriod: byKey.get(k.id) ?? 0,
  }));
}

/**
 * The period's audit events as a verifier needs them: the sequence range, the
 * hash the first one chains from (anchor) and the last one's hash (head). An
 * export of the period (GET /api/audit/export?from&to) is complete when its
 * events run from firstSeq to lastSeq without a gap, the first chains from
 * the anchor and recomputing the chain ends at the head.
 */
async function readAuditProof(tx: Tx, tenantId: string, period: CompliancePeriod) {
  const inPeriod = { tenantId, createdAt: { gte: period.from, lt: period.to } };
  const first = await tx.auditEvent.findFirst({ where: inPeriod, orderBy: { seq: "asc" } });
  const last = await tx.auditEvent.findFirst({ where: inPeriod, orderBy: { seq: "desc" } });
  const head = await tx.auditEvent.findFirst({ where: { tenantId }, orderBy: { seq: "desc" } });
  const count = await tx.auditEvent.count({ where: inPeriod });
  return {
    events: count,
    firstSeq: first?.seq ?? null,
    lastSeq: last?.seq ?? null,
    anchorHash: first?.prevHash ?? null,
    periodHeadHash: last?.hash ?? null,
    chainHead: head ? { seq: head.seq, hash: head.hash } : null,
    exportUrl: `/api/audit/export?format=ndjson&from=${period.from.toISOString()}&to=${period.to.toISOString()}`,
  };
}

async function readPolicyHistory(tx: Tx, tenantId: string) {
  const rows = await tx.auditEvent.findMany({
    where: { tenantId, action: { startsWith: "access." } },
    orderBy: { seq: "desc" },
    take: HISTORY_LIMIT,
  });
  return rows.map((r) => ({
    seq: r.seq,
    at: r.createdAt,
    action: r.action,
    actorType: r.actorType,
    actorId: r.actorId,
    target: r.target,
    metadata: r.metadata,
  }));
}

function checkPeriod(period: CompliancePeriod): void {
  if (!(period.from < period.to)) throw new DomainError("BAD_REQUEST", "from: must be before to.");
}

async function buildReport(db: Db, tenantId: string, period: CompliancePeriod, scope: "tenant" | "system") {
  checkPeriod(period);
  const run = <T>(fn: (tx: Tx) => Promise<T>) => (scope === "system" ? systemTx(db, fn) : tenantTx(db, tenantId, fn));
  const body = await run(async (tx) => {
    const tenant = await tx.tenant.findUnique({
      where: { id: tenantId },
      select: { id: true, slug: true, name: true },
    });
    if (!tenant) throw notFound("tenant");
    return {
      tenant,
      period,
      generatedAt: new Date(),
      access: await readAccessMatrix(tx, tenantId),
      policyHistory: await readPolicyHistory(tx, tenantId),
      apiKeys: await readKeyUsage(tx, tenantId, period),
      audit: await readAuditProof(tx, tenantId, period),
    };
  });
  const chain = await verifyAuditChain(db, tenantId, scope);
  return { ...body, audit: { ...body.audit, chainVerified: chain.ok, chainChecked: chain.checked } };
}

/** The caller's own tenant's report (owners); asking for it is audited. */
export async function getComplianceReport(db: Db, ctx: TenantCtx, period: CompliancePeriod) {
  requirePermission(ctx, "compliance.read");
  checkPeriod(period);
  await recordAudit(db, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: "compliance.report",
    metadata: { ...period },
  });
  return buildReport(db, ctx.tenantId, period, "tenant");
}

/** Any tenant's report, for the platform admin; recorded in that tenant's audit log. */
export async function getTenantComplianceReport(db: Db, actor: Actor, tenantId: string, period: CompliancePeriod) {
  checkPeriod(period);
  const exists = await systemTx(db, (tx) => tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }));
  if (!exists) throw notFound("tenant");
  await recordAudit(db, { tenantId, actor, action: "compliance.report", metadata: { ...period, platform: true } });
  return buildReport(db, tenantId, period, "system");
}
