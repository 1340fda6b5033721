// One way to call every tRPC procedure, aimed at a given set of target ids.
// The cross-tenant suite aims them at another tenant's objects; the role suite
// at the caller's own. A procedure missing here fails both suites.
import type { Db } from "@scrollintel/core/db/client";
import { parseConfig } from "@scrollintel/core/config";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createInvitation } from "@scrollintel/core/services/invitation-service";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createSavedQuery } from "@scrollintel/core/services/saved-query-service";
import { createNatsConnector } from "@scrollintel/core/services/connector-admin-service";
import { deleteDataset } from "@scrollintel/core/services/trash-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, ctxOf, type TestUser } from "./factories";
import type { callerFor } from "./trpc-caller";

export type Api = ReturnType<typeof callerFor>;

export interface Targets {
  tenantId: string;
  slug: string;
  datasetId: string;
  versionId: string;
  /** Versions parked before their ingest: one with a preview to review, one offered as a duplicate. */
  reviewVersionId: string;
  duplicateVersionId: string;
  /** A second dataset of the tenant, deleted: its trash item. */
  trashItemId: string;
  queryId: string;
  savedQueryId: string;
  apiKeyId: string;
  invitationId: string;
  memberId: string;
  /** An access group of the tenant. */
  groupId: string;
  /** A NATS connector of the tenant (stored only: nothing consumes it in these tests). */
  connectorId: string;
}

/** Objects of the owner's tenant for procedures to act on. */
export async function makeTargets(db: Db, owner: TestUser): Promise<Targets> {
  const up = await createUpload(db, ctxOf(owner), { filename: "secret.csv", sizeBytes: 10n });
  const { datasetId } = await finishUpload(db, ctxOf(owner), { uploadId: up.uploadId, storedBytes: 10n });
  // READY, so the tenant's schema (dataset and column names) is there for query.schema to leak.
  await db.datasetVersion.updateMany({
    where: { datasetId },
    data: { status: "READY", columns: [{ name: "secret_col", type: "VARCHAR" }] },
  });
  await db.dataset.update({ where: { id: datasetId }, data: { status: "READY", readyVersion: 1 } });
  const versionId = (await db.datasetVersion.findFirstOrThrow({ where: { datasetId } })).id;
  const parked = await makeParkedVersions(db, owner, { datasetId, versionId });
  const trashed = await createUpload(db, ctxOf(owner), { filename: "secret_trash.csv", sizeBytes: 10n });
  const gone = await finishUpload(db, ctxOf(owner), { uploadId: trashed.uploadId, storedBytes: 10n });
  const { trashItemId } = await deleteDataset(db, ctxOf(owner), gone.datasetId);
  const { id: queryId } = await createQueryRun(db, ctxOf(owner), { sql: "SELECT * FROM secret" });
  const saved = { name: "secret report", description: "", sql: "SELECT * FROM secret", chart: null, shared: false };
  const { id: savedQueryId } = await createSavedQuery(db, ctxOf(owner), saved);
  const { apiKey } = await createApiKey(db, ctxOf(owner), { name: "k", scopes: ["read"] });
  const { invitation } = await createInvitation(db, ctxOf(owner), { role: "VIEWER" });
  const member = await createMember(db, { id: owner.tenantId, slug: owner.slug }, "VIEWER");
  const group = await db.accessGroup.create({ data: { tenantId: owner.tenantId, name: `secret-group-${member.id}` } });
  const connector = await createNatsConnector(db, parseConfig({}), ctxOf(owner), {
    datasetName: "secret_stream",
    servers: ["nats://127.0.0.1:4222"],
    stream: "secret",
  });
  return {
    tenantId: owner.tenantId,
    slug: owner.slug,
    datasetId,
    versionId,
    ...parked,
    trashItemId,
    queryId,
    savedQueryId,
    apiKeyId: apiKey.id,
    invitationId: invitation.id,
    memberId: member.id,
    groupId: group.id,
    connectorId: connector.id,
  };
}

/** Two uploads parked as the inspect step would leave them: for review, and as a duplicate of `of`. */
async function makeParkedVersions(db: Db, owner: TestUser, of: { datasetId: string; versionId: string }) {
  const park = async (status: "AWAITING_REVIEW" | "AWAITING_DUPLICATE", intake: object) => {
    const up = await createUpload(db, ctxOf(owner), {
      filename: "secret.csv",
      sizeBytes: 10n,
      intake: { review: true },
    });
    const { datasetId } = await finishUpload(db, ctxOf(owner), { uploadId: up.uploadId, storedBytes: 10n });
    const v = await db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
    await db.datasetVersion.update({ where: { id: v.id }, data: { status, intake } });
    return v.id;
  };
  const duplicateOf = { datasetId: of.datasetId, datasetName: "secret", versionId: of.versionId, version: 1 };
  return {
    reviewVersionId: await park("AWAITING_REVIEW", { review: true, onDuplicate: "ask" }),
    duplicateVersionId: await park("AWAITING_DUPLICATE", { review: false, onDuplicate: "ask", duplicateOf }),
  };
}

const GB = 1024n ** 3n;

export const PROCEDURE_CALLS: Record<string, (api: Api, t: Targets) => Promise<unknown>> = {
  "tenant.me": (api) => api.tenant.me(),
  "tenant.switch": (api, t) => api.tenant.switch({ slug: t.slug }),
  // Never the caller's real password: a table walk must not sign the test users out.
  "account.changePassword": (api) =>
    api.account.changePassword({ currentPassword: "not-the-password", newPassword: "another-password" }),
  "dataset.list": (api) => api.dataset.list(),
  "dataset.search": (api) => api.dataset.search({ search: "secret", limit: 10 }),
  "dataset.get": (api, t) => api.dataset.get({ id: t.datasetId }),
  "dataset.reingest": (api, t) =>
    api.dataset.reingest({ versionId: t.versionId, options: { badRows: "skip", columns: [] } }),
  "dataset.cancel": (api, t) => api.dataset.cancel({ versionId: t.versionId }),
  "dataset.rejects": (api, t) => api.dataset.rejects({ versionId: t.versionId }),
  "dataset.streamStats": (api, t) => api.dataset.streamStats({ id: t.datasetId }),
  "dataset.setStreamEventTime": (api, t) => api.dataset.setStreamEventTime({ id: t.datasetId, column: null }),
  "connector.create": (api) =>
    api.connector.create({ datasetName: "events_in", servers: ["nats://127.0.0.1:4222"], stream: "orders" }),
  "connector.list": (api) => api.connector.list(),
  "connector.get": (api, t) => api.connector.get({ id: t.connectorId }),
  "connector.update": (api, t) =>
    api.connector.update({
      id: t.connectorId,
      datasetName: "events_in",
      servers: ["nats://127.0.0.1:4222"],
      stream: "orders",
    }),
  "connector.pause": (api, t) => api.connector.pause({ id: t.connectorId }),
  "connector.resume": (api, t) => api.connector.resume({ id: t.connectorId }),
  "connector.delete": (api, t) => api.connector.delete({ id: t.connectorId }),
  "dataset.restoreArchive": (api, t) => api.dataset.restoreArchive({ id: t.datasetId }),
  "dataset.confirm": (api, t) => api.dataset.confirm({ versionId: t.versionId }),
  "dataset.discard": (api, t) => api.dataset.discard({ versionId: t.versionId }),
  "dataset.intake": (api, t) => api.dataset.intake({ versionId: t.reviewVersionId }),
  "dataset.updatePreview": (api, t) =>
    api.dataset.updatePreview({ versionId: t.reviewVersionId, options: { badRows: "skip", columns: [] } }),
  "dataset.startIngest": (api, t) => api.dataset.startIngest({ versionId: t.reviewVersionId }),
  "dataset.resolveDuplicate": (api, t) =>
    api.dataset.resolveDuplicate({ versionId: t.duplicateVersionId, choice: "replace" }),
  "dataset.rename": (api, t) => api.dataset.rename({ id: t.datasetId, name: "renamed_secret" }),
  "dataset.rollback": (api, t) => api.dataset.rollback({ id: t.datasetId, version: 1 }),
  "dataset.deleteVersion": (api, t) => api.dataset.deleteVersion({ versionId: t.versionId }),
  "dataset.restore": (api, t) => api.dataset.restore({ trashItemId: t.trashItemId }),
  "dataset.delete": (api, t) => api.dataset.delete({ id: t.datasetId }),
  "trash.list": (api) => api.trash.list(),
  "query.run": (api) => api.query.run({ sql: "SELECT 1", waitMs: 0 }),
  "query.get": (api, t) => api.query.get({ id: t.queryId }),
  "query.list": (api) => api.query.list({ limit: 100 }),
  "query.cancel": (api, t) => api.query.cancel({ id: t.queryId }),
  "query.page": (api, t) => api.query.page({ id: t.queryId, page: 0, waitMs: 0 }),
  "query.chart": (api, t) => api.query.chart({ id: t.queryId, x: "n", y: ["n"], waitMs: 0 }),
  "query.export": (api, t) => api.query.export({ id: t.queryId, format: "csv", waitMs: 0 }),
  "query.schema": (api) => api.query.schema(),
  "savedQuery.list": (api) => api.savedQuery.list(),
  "savedQuery.get": (api, t) => api.savedQuery.get({ id: t.savedQueryId }),
  "savedQuery.create": (api) => api.savedQuery.create({ name: "mine", sql: "SELECT 1" }),
  "savedQuery.update": (api, t) => api.savedQuery.update({ id: t.savedQueryId, patch: { sql: "SELECT 2" } }),
  "savedQuery.delete": (api, t) => api.savedQuery.delete({ id: t.savedQueryId }),
  "audit.list": (api) => api.audit.list({ limit: 200 }),
  "audit.verify": (api) => api.audit.verify(),
  "quota.get": (api) => api.quota.get(),
  "retention.get": (api) => api.retention.get(),
  "retention.update": (api) => api.retention.update({ resultDays: 3 }),
  "usage.summary": (api) => api.usage.summary(),
  "usage.daily": (api) => api.usage.daily({ days: 7 }),
  "member.list": (api) => api.member.list(),
  "member.changeRole": (api, t) => api.member.changeRole({ userId: t.memberId, role: "ANALYST" }),
  "member.remove": (api, t) => api.member.remove({ userId: t.memberId }),
  "member.invite": (api) => api.member.invite({ role: "VIEWER" }),
  "member.invitations": (api) => api.member.invitations(),
  "member.revokeInvitation": (api, t) => api.member.revokeInvitation({ id: t.invitationId }),
  "invitation.get": (api) => api.invitation.get({ token: "not-a-real-invitation-token" }),
  "invitation.accept": (api) => api.invitation.accept({ token: "not-a-real-invitation-token" }),
  "invitation.acceptAsNewUser": (api) =>
    api.invitation.acceptAsNewUser({
      token: "not-a-real-invitation-token",
      email: "new@example.com",
      name: "New",
      password: "long-enough-password",
    }),
  "apiKey.list": (api) => api.apiKey.list(),
  "apiKey.create": (api) => api.apiKey.create({ name: "x", scopes: ["read"] }),
  "apiKey.revoke": (api, t) => api.apiKey.revoke({ id: t.apiKeyId }),
  "admin.tenants": (api) => api.admin.tenants(),
  "admin.createTenant": (api) => api.admin.createTenant({ slug: "planted", name: "Planted" }),
  "admin.setTenantStatus": (api, t) => api.admin.setTenantStatus({ tenantId: t.tenantId, status: "SUSPENDED" }),
  "admin.deleteTenant": (api, t) => api.admin.deleteTenant({ tenantId: t.tenantId, confirmSlug: t.slug }),
  "admin.updateQuota": (api, t) =>
    api.admin.updateQuota({
      tenantId: t.tenantId,
      storageBytesLimit: 1n,
      maxFileBytes: 1n,
      ingestBytesMonthLimit: GB,
      scanBytesMonthLimit: GB,
      concurrentJobsLimit: 1,
      apiRequestsPerMinute: 1,
      queryMemoryLimitMb: 256,
      queryTimeoutMs: 5000,
      querySpillBytesLimit: GB,
      resultRowsLimit: 1000n,
      resultBytesLimit: GB,
      workerSlots: 1,
    }),
  "admin.audit": (api, t) => api.admin.audit({ tenantId: t.tenantId, limit: 10 }),
  "admin.verifyChain": (api, t) => api.admin.verifyChain({ tenantId: t.tenantId }),
  "admin.runReconciliation": (api) => api.admin.runReconciliation(),
  "admin.reconciliationReport": (api) => api.admin.reconciliationReport(),
  "admin.complianceReport": (api, t) =>
    api.admin.complianceReport({ tenantId: t.tenantId, from: new Date(0), to: new Date(Date.now() + 60_000) }),
  "access.groups": (api) => api.access.groups(),
  "access.createGroup": (api) => api.access.createGroup({ name: `mine-${Math.random().toString(36).slice(2)}` }),
  "access.deleteGroup": (api, t) => api.access.deleteGroup({ groupId: t.groupId }),
  "access.setGroupMembers": (api, t) => api.access.setGroupMembers({ groupId: t.groupId, userIds: [t.memberId] }),
  "access.setMemberAttributes": (api, t) =>
    api.access.setMemberAttributes({ userId: t.memberId, attributes: { region: "EU" } }),
  "access.policy": (api, t) => api.access.policy({ datasetId: t.datasetId }),
  "access.setPolicy": (api, t) =>
    api.access.setPolicy({
      datasetId: t.datasetId,
      policy: {
        visibility: "everyone",
        allow: [],
        masks: [{ column: "secret_col", method: "redact", subjects: [{ kind: "role", role: "VIEWER" }] }],
        rowFilters: [{ predicate: "secret_col = user.region", subjects: [{ kind: "role", role: "VIEWER" }] }],
      },
    }),
  "compliance.report": (api) => api.compliance.report({ from: new Date(0), to: new Date(Date.now() + 60_000) }),
  "compliance.encryption": (api) => api.compliance.encryption(),
  "compliance.rotateKey": (api) => api.compliance.rotateKey(),
  "admin.system": (api) => api.admin.system(),
};

/** The input a procedure's entry above sends, captured without calling anything. */
export async function sampleInput(path: string, t: Targets): Promise<unknown> {
  let input: unknown;
  const recorder: unknown = new Proxy(() => undefined, {
    get: (_target, _key) => recorder,
    apply: (_target, _this, args: unknown[]) => {
      input = args[0];
      return Promise.resolve(undefined);
    },
  });
  await PROCEDURE_CALLS[path]!(recorder as Api, t);
  return input;
}

/** Calls the procedure at `path` ("savedQuery.create") with any input, bypassing its input type. */
export function callByPath(api: Api, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], api);
  return (fn as (i: unknown) => Promise<unknown>)(input);
}

/** The target fields that name a dataset or something of one: a version, or a trash item. */
const DATASET_TARGETS = ["datasetId", "versionId", "reviewVersionId", "duplicateVersionId", "trashItemId"] as const;

/**
 * The procedures whose call above aims at a dataset, a version of one or a
 * trash item, found from the input each sends (not listed by hand): a new
 * procedure that takes such an id is found here as soon as it has a call.
 */
export async function findDatasetProcedures(t: Targets): Promise<string[]> {
  const ids = DATASET_TARGETS.map((k) => t[k]);
  const found: string[] = [];
  for (const path of Object.keys(PROCEDURE_CALLS)) {
    const input = JSON.stringify((await sampleInput(path, t)) ?? null, (_k, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v,
    );
    if (ids.some((id) => input.includes(JSON.stringify(id)))) found.push(path);
  }
  return found.sort();
}
