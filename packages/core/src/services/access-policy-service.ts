import { accessFor, type DatasetAccess } from "../access/effective-access";
import { OPEN_POLICY, parseStoredPolicy, type DatasetPolicy, type Subject } from "../access/policy";
import { validateRowFilter } from "../access/row-filter";
import type { Db, Tx } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { ROLES } from "../roles";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import type { ColumnInfo } from "./dataset-service";
import { requireVisibleDataset } from "./reader-access";

async function readDataset(tx: Tx, tenantId: string, datasetId: string) {
  const d = await tx.dataset.findFirst({
    where: { id: datasetId, tenantId, trashedAt: null },
    include: { versions: { where: { trashedAt: null }, orderBy: { version: "desc" }, take: 5 } },
  });
  if (!d) throw notFound("dataset");
  const current = d.versions.find((v) => v.version === d.readyVersion) ?? d.versions[0];
  return { d, columns: ((current?.columns ?? []) as unknown as ColumnInfo[]).map((c) => c.name) };
}

/** One row of "who sees what": a role or a group, and what it gets of the dataset. */
export interface WhoSees {
  subject: Subject;
  label: string;
  access: DatasetAccess;
}

/** The dataset's policy and what each role and each group gets of it (members may be in several groups). */
export async function getDatasetPolicy(db: Db, ctx: TenantCtx, datasetId: string) {
  requirePermission(ctx, "dataset.read");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const { columns } = await readDataset(tx, ctx.tenantId, datasetId);
    // Its columns and who sees it are what the policy keeps from a member it hides the dataset from.
    await requireVisibleDataset(tx, ctx, { datasetId, what: "dataset" });
    const row = await tx.datasetPolicy.findFirst({ where: { datasetId, tenantId: ctx.tenantId } });
    const policy = row ? parseStoredPolicy(row.policy) : OPEN_POLICY;
    const groups = await tx.accessGroup.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { name: "asc" } });
    const whoSees: WhoSees[] = [
      ...ROLES.map((role) => ({
        subject: { kind: "role" as const, role },
        label: role,
        access: accessFor(policy, { role, groupIds: [], attributes: {} }),
      })),
      ...groups.map((g) => ({
        subject: { kind: "group" as const, groupId: g.id },
        label: `group ${g.name}`,
        access: accessFor(policy, { role: "", groupIds: [g.id], attributes: {} }),
      })),
    ];
    return {
      policy,
      columns,
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
      whoSees,
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  });
}

/** Checks a policy against the dataset and the tenant's groups; BAD_REQUEST names the field. */
function checkPolicy(policy: DatasetPolicy, columns: string[], groupIds: Set<string>): void {
  const known = new Set(columns);
  const subjects = [
    ...policy.allow,
    ...policy.masks.flatMap((m) => m.subjects),
    ...policy.rowFilters.flatMap((f) => f.subjects),
  ];
  for (const s of subjects) {
    if (s.kind === "group" && !groupIds.has(s.groupId)) {
      throw new DomainError("BAD_REQUEST", `policy: group ${s.groupId} is not a group of this workspace.`);
    }
  }
  policy.masks.forEach((m, i) => {
    if (!known.has(m.column)) throw new DomainError("BAD_REQUEST", `policy.masks.${i}.column: no column ${m.column}.`);
  });
  policy.rowFilters.forEach((f, i) => {
    try {
      validateRowFilter(f.predicate, columns);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new DomainError("BAD_REQUEST", `policy.rowFilters.${i}.${msg}`);
    }
  });
}

/** Replaces a dataset's access policy; the audit event holds the policy before and after. */
export async function setDatasetPolicy(db: Db, ctx: TenantCtx, input: { datasetId: string; policy: DatasetPolicy }) {
  requirePermission(ctx, "access.manage");
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const { d, columns } = await readDataset(tx, ctx.tenantId, input.datasetId);
    const groups = await tx.accessGroup.findMany({ where: { tenantId: ctx.tenantId }, select: { id: true } });
    checkPolicy(input.policy, columns, new Set(groups.map((g) => g.id)));
    const before = await tx.datasetPolicy.findFirst({ where: { datasetId: d.id, tenantId: ctx.tenantId } });
    const data = { policy: input.policy, updatedBy: ctx.actor.id, updatedAt: new Date() };
    await tx.datasetPolicy.upsert({
      where: { datasetId: d.id },
      create: { datasetId: d.id, tenantId: ctx.tenantId, ...data },
      update: data,
    });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "access.policy.update", d.id, {
        dataset: d.name,
        before: before ? parseStoredPolicy(before.policy) : OPEN_POLICY,
        after: input.policy,
      }),
    );
    return { ok: true };
  });
}
