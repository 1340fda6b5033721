// The attacker's side of the tenant wall: a globex member (and a globex API
// key) calls every tRPC procedure aimed at acme's objects, and with acme
// picked as the active tenant, and must see NOT_FOUND or only globex's own
// rows. A procedure added to the router without a case here fails.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey, createApiKey } from "@scrollintel/core/services/api-key-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { makeTargets, PROCEDURE_CALLS, type Api, type Targets } from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor, callerForKey, PROCEDURES } from "../../../../../test/trpc-caller";

let t: TestDb;
let acmeOwner: TestUser;
let globexOwner: TestUser;
let acme: Targets;
let globexKey: string;

beforeAll(async () => {
  t = await createTestDb();
  acmeOwner = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "OWNER");
  globexOwner = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "OWNER");
  acme = await makeTargets(t.db, acmeOwner);
  globexKey = (
    await createApiKey(t.db, ctxOf(globexOwner), { name: "all", scopes: ["read", "query", "upload", "admin"] })
  ).key;
});
afterAll(() => t.drop());

const json = (r: unknown) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const noAcme = (r: unknown) => {
  const s = json(r);
  for (const id of Object.values(acme)) expect(s).not.toContain(id);
  expect(s).not.toContain(acmeOwner.id);
  expect(s).not.toContain("secret");
};

type Expect = "NOT_FOUND" | "FORBIDDEN" | ((result: unknown) => void | Promise<void>);
const EXPECT: Record<string, Expect> = {
  "tenant.me": noAcme,
  "tenant.switch": "NOT_FOUND",
  "dataset.list": noAcme,
  "dataset.get": "NOT_FOUND",
  "dataset.reingest": "NOT_FOUND",
  "dataset.cancel": "NOT_FOUND",
  "dataset.rejects": "NOT_FOUND",
  "query.run": (r) => expect((r as { tenantId: string }).tenantId).toBe(globexOwner.tenantId),
  "query.get": "NOT_FOUND",
  "query.list": noAcme,
  "query.cancel": "NOT_FOUND",
  "query.page": "NOT_FOUND",
  "query.export": "NOT_FOUND",
  "query.schema": noAcme,
  "savedQuery.list": noAcme,
  "savedQuery.get": "NOT_FOUND",
  "savedQuery.create": (r) => expect((r as { ownerId: string }).ownerId).not.toBe(acmeOwner.id),
  "savedQuery.update": "NOT_FOUND",
  "savedQuery.delete": "NOT_FOUND",
  "audit.list": noAcme,
  "audit.verify": noAcme,
  "quota.get": (r) => expect((r as { tenantId: string }).tenantId).toBe(globexOwner.tenantId),
  "usage.summary": (r) => expect((r as { quota: { tenantId: string } }).quota.tenantId).toBe(globexOwner.tenantId),
  "usage.daily": noAcme,
  "member.list": noAcme,
  "member.changeRole": "NOT_FOUND",
  "member.remove": "NOT_FOUND",
  "member.invite": async (r) => {
    const inv = await t.db.invitation.findFirstOrThrow({
      where: { id: (r as { invitation: { id: string } }).invitation.id },
    });
    expect(inv.tenantId).toBe(globexOwner.tenantId);
  },
  "member.invitations": noAcme,
  "member.revokeInvitation": "NOT_FOUND",
  "invitation.get": "NOT_FOUND",
  "invitation.accept": "NOT_FOUND",
  "invitation.acceptAsNewUser": "NOT_FOUND",
  "apiKey.list": noAcme,
  "apiKey.create": async (r) => {
    const k = await t.db.apiKey.findFirstOrThrow({ where: { id: (r as { apiKey: { id: string } }).apiKey.id } });
    expect(k.tenantId).toBe(globexOwner.tenantId);
  },
  "apiKey.revoke": "NOT_FOUND",
  "admin.tenants": "FORBIDDEN",
  "admin.createTenant": "FORBIDDEN",
  "admin.setTenantStatus": "FORBIDDEN",
  "admin.updateQuota": "FORBIDDEN",
  "admin.audit": "FORBIDDEN",
  "admin.verifyChain": "FORBIDDEN",
};

const code = (c: string) => (e: unknown) => e instanceof TRPCError && e.code === c;
const meta = (path: string) => PROCEDURES[path]?._def.meta;

async function attack(api: Api, path: string, expectation: Expect) {
  const call = PROCEDURE_CALLS[path]!(api, acme);
  if (typeof expectation === "string") await expect(call, path).rejects.toSatisfy(code(expectation));
  else await expectation(await call);
}

describe("cross-tenant access through tRPC", () => {
  it("has a call and an expectation for every procedure in the router", () => {
    const paths = Object.keys(PROCEDURES).sort();
    expect(Object.keys(PROCEDURE_CALLS).sort()).toEqual(paths);
    expect(Object.keys(EXPECT).sort()).toEqual(paths);
  });

  for (const path of Object.keys(EXPECT)) {
    it(`${path}: acme's objects from a globex session`, () =>
      attack(callerFor(t.db, globexOwner), path, EXPECT[path]!));
  }

  for (const path of Object.keys(EXPECT).filter((p) => meta(p)?.permission)) {
    it(`${path}: acme picked as the active tenant by a non-member is NOT_FOUND`, async () => {
      const api = callerFor(t.db, globexOwner, { tenantSlug: acme.slug });
      await expect(PROCEDURE_CALLS[path]!(api, acme)).rejects.toSatisfy(code("NOT_FOUND"));
    });

    it(`${path}: acme's objects from a globex API key`, async () => {
      const key = (await authenticateApiKey(t.db, globexKey))!;
      await attack(callerForKey(t.db, key), path, EXPECT[path]!);
    });
  }

  it("query.run refuses acme's saved query id", async () => {
    const api = callerFor(t.db, globexOwner);
    await expect(api.query.run({ sql: "SELECT 1", waitMs: 0, savedQueryId: acme.savedQueryId })).rejects.toSatisfy(
      code("NOT_FOUND"),
    );
  });

  it("tenant.me ignores a non-member's choice of acme", async () => {
    const me = await callerFor(t.db, globexOwner, { tenantSlug: acme.slug }).tenant.me();
    expect(me.active?.slug).toBe("globex");
  });

  it("refuses every non-public procedure without a session or key", async () => {
    const open = new Set(["invitation.get", "invitation.acceptAsNewUser"]);
    for (const path of Object.keys(PROCEDURE_CALLS).filter((p) => !open.has(p))) {
      await expect(PROCEDURE_CALLS[path]!(callerFor(t.db, null), acme), path).rejects.toSatisfy(code("UNAUTHORIZED"));
    }
  });
});
