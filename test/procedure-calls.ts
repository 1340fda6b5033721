// One way to call every tRPC procedure, aimed at a given set of target ids.
// The cross-tenant suite aims them at another tenant's objects; the role suite
// at the caller's own. A procedure missing here fails both suites.
import type { Db } from "@scrollintel/core/db/client";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createInvitation } from "@scrollintel/core/services/invitation-service";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createSavedQuery } from "@scrollintel/core/services/saved-query-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, ctxOf, type TestUser } from "./factories";
import type { callerFor } from "./trpc-caller";

export type Api = ReturnType<typeof callerFor>;

export interface Targets {
  tenantId: string;
  slug: string;
  datasetId: string;
  versionId: string;
  queryId: string;
  savedQueryId: string;
  apiKeyId: string;
  invitationId: string;
  memberId: string;
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
  const { id: queryId } = await createQueryRun(db, ctxOf(owner), { sql: "SELECT * FROM secret" });
  const saved = { name: "secret report", description: "", sql: "SELECT * FROM secret", chart: null, shared: false };
  const { id: savedQueryId } = await createSavedQuery(db, ctxOf(owner), saved);
  const { apiKey } = await createApiKey(db, ctxOf(owner), { name: "k", scopes: ["read"] });
  const { invitation } = await createInvitation(db, ctxOf(owner), { role: "VIEWER" });
  const member = await createMember(db, { id: owner.tenantId, slug: owner.slug }, "VIEWER");
  return {
    tenantId: owner.tenantId,
    slug: owner.slug,
    datasetId,
    versionId,
    queryId,
    savedQueryId,
    apiKeyId: apiKey.id,
    invitationId: invitation.id,
    memberId: member.id,
  };
}

const GB = 1024n ** 3n;

export const PROCEDURE_CALLS: Record<string, (api: Api, t: Targets) => Promise<unknown>> = {
  "tenant.me": (api) => api.tenant.me(),
  "tenant.switch": (api, t) => api.tenant.switch({ slug: t.slug }),
  "dataset.list": (api) => api.dataset.list(),
  "dataset.get": (api, t) => api.dataset.get({ id: t.datasetId }),
  "dataset.reingest": (api, t) =>
    api.dataset.reingest({ versionId: t.versionId, options: { badRows: "skip", columns: [] } }),
  "dataset.cancel": (api, t) => api.dataset.cancel({ versionId: t.versionId }),
  "dataset.rejects": (api, t) => api.dataset.rejects({ versionId: t.versionId }),
  "query.run": (api) => api.query.run({ sql: "SELECT 1", waitMs: 0 }),
  "query.get": (api, t) => api.query.get({ id: t.queryId }),
  "query.list": (api) => api.query.list({ limit: 100 }),
  "query.cancel": (api, t) => api.query.cancel({ id: t.queryId }),
  "query.page": (api, t) => api.query.page({ id: t.queryId, page: 0, waitMs: 0 }),
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
