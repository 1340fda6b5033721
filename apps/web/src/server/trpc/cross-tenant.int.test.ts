// The attacker's side of the tenant wall: a globex member calls every tRPC
// procedure with acme's ids (and with acme picked as the active tenant) and
// must see NOT_FOUND or only globex's own rows. A procedure added to the
// router without a case here fails the coverage test.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createSavedQuery } from "@scrollintel/core/services/saved-query-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { callerFor } from "../../../../../test/trpc-caller";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { appRouter } from "./router";

let t: TestDb;
let acmeOwner: TestUser;
let globexOwner: TestUser;
const acme = { datasetId: "", queryId: "", savedId: "", slug: "" };

beforeAll(async () => {
  t = await createTestDb();
  const a = await createTenant(t.db, { slug: "acme" });
  const g = await createTenant(t.db, { slug: "globex" });
  acmeOwner = await createMember(t.db, a, "OWNER");
  globexOwner = await createMember(t.db, g, "OWNER");
  const up = await createUpload(t.db, ctxOf(acmeOwner), { filename: "secret.csv", sizeBytes: 10n });
  acme.datasetId = (await finishUpload(t.db, ctxOf(acmeOwner), { uploadId: up.uploadId, storedBytes: 10n })).datasetId;
  // READY, so acme's schema (dataset and column names) exists to be leaked.
  await t.db.datasetVersion.updateMany({
    where: { datasetId: acme.datasetId },
    data: { status: "READY", columns: [{ name: "secret_col", type: "VARCHAR" }] },
  });
  await t.db.dataset.update({ where: { id: acme.datasetId }, data: { status: "READY", readyVersion: 1 } });
  acme.queryId = (await createQueryRun(t.db, ctxOf(acmeOwner), { sql: "SELECT * FROM secret" })).id;
  const saved = { name: "secret report", description: "", sql: "SELECT * FROM secret", chart: null, shared: true };
  acme.savedId = (await createSavedQuery(t.db, ctxOf(acmeOwner), saved)).id;
  acme.slug = a.slug;
});
afterAll(() => t.drop());

type Attack = (api: ReturnType<typeof callerFor>) => Promise<unknown>;
type Check = "NOT_FOUND" | ((result: unknown) => void);

const noAcmeRows = (r: unknown) => {
  const s = JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  expect(s).not.toContain(acme.datasetId);
  expect(s).not.toContain(acme.queryId);
  expect(s).not.toContain(acme.savedId);
  expect(s).not.toContain(acmeOwner.tenantId);
  expect(s).not.toContain("secret");
};

const ATTACKS: Record<string, { call: Attack; expect: Check }> = {
  "tenant.me": { call: (api) => api.tenant.me(), expect: noAcmeRows },
  "tenant.switch": { call: (api) => api.tenant.switch({ slug: acme.slug }), expect: "NOT_FOUND" },
  "dataset.list": { call: (api) => api.dataset.list(), expect: noAcmeRows },
  "dataset.get": { call: (api) => api.dataset.get({ id: acme.datasetId }), expect: "NOT_FOUND" },
  "query.run": {
    call: (api) => api.query.run({ sql: "SELECT 1", waitMs: 0 }),
    expect: (r) => expect((r as { tenantId: string }).tenantId).toBe(globexOwner.tenantId),
  },
  "query.get": { call: (api) => api.query.get({ id: acme.queryId }), expect: "NOT_FOUND" },
  "query.list": { call: (api) => api.query.list({ limit: 100 }), expect: noAcmeRows },
  "query.cancel": { call: (api) => api.query.cancel({ id: acme.queryId }), expect: "NOT_FOUND" },
  "query.page": { call: (api) => api.query.page({ id: acme.queryId, page: 0, waitMs: 0 }), expect: "NOT_FOUND" },
  "query.export": {
    call: (api) => api.query.export({ id: acme.queryId, format: "csv", waitMs: 0 }),
    expect: "NOT_FOUND",
  },
  "query.schema": { call: (api) => api.query.schema(), expect: noAcmeRows },
  "savedQuery.list": { call: (api) => api.savedQuery.list(), expect: noAcmeRows },
  "savedQuery.get": { call: (api) => api.savedQuery.get({ id: acme.savedId }), expect: "NOT_FOUND" },
  "savedQuery.create": {
    call: (api) => api.savedQuery.create({ name: "mine", sql: "SELECT 1" }),
    expect: (r) => expect((r as { ownerId: string }).ownerId).toBe(globexOwner.id),
  },
  "savedQuery.update": {
    call: (api) => api.savedQuery.update({ id: acme.savedId, patch: { sql: "SELECT 2", shared: false } }),
    expect: "NOT_FOUND",
  },
  "savedQuery.delete": { call: (api) => api.savedQuery.delete({ id: acme.savedId }), expect: "NOT_FOUND" },
  "audit.list": { call: (api) => api.audit.list({ limit: 200 }), expect: noAcmeRows },
  "quota.get": {
    call: (api) => api.quota.get(),
    expect: (r) => expect((r as { tenantId: string }).tenantId).toBe(globexOwner.tenantId),
  },
};

describe("cross-tenant access through tRPC", () => {
  it("has an attack for every procedure in the router", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(ATTACKS).sort());
  });

  for (const [path, attack] of Object.entries(ATTACKS)) {
    it(`${path}: acme's ids from a globex session`, async () => {
      const api = callerFor(t.db, globexOwner);
      if (attack.expect === "NOT_FOUND") {
        await expect(attack.call(api)).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "NOT_FOUND");
      } else {
        attack.expect(await attack.call(api));
      }
    });
  }

  const tenantScoped = Object.keys(ATTACKS).filter((p) => p !== "tenant.me" && p !== "tenant.switch");
  for (const path of tenantScoped) {
    it(`${path}: acme picked as the active tenant by a non-member is NOT_FOUND`, async () => {
      const api = callerFor(t.db, globexOwner, { tenantSlug: acme.slug });
      await expect(ATTACKS[path]!.call(api)).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "NOT_FOUND");
    });
  }

  it("query.run refuses acme's saved query id", async () => {
    const api = callerFor(t.db, globexOwner);
    await expect(api.query.run({ sql: "SELECT 1", waitMs: 0, savedQueryId: acme.savedId })).rejects.toSatisfy(
      (e) => e instanceof TRPCError && e.code === "NOT_FOUND",
    );
  });

  it("tenant.me ignores a non-member's choice of acme", async () => {
    const me = await callerFor(t.db, globexOwner, { tenantSlug: acme.slug }).tenant.me();
    expect(me.active?.slug).toBe("globex");
  });

  it("refuses every procedure without a session", async () => {
    for (const [path, attack] of Object.entries(ATTACKS)) {
      await expect(attack.call(callerFor(t.db, null)), path).rejects.toSatisfy(
        (e) => e instanceof TRPCError && e.code === "UNAUTHORIZED",
      );
    }
  });
});
