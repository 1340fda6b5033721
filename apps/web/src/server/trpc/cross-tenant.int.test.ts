// The attacker's side of the tenant wall: a globex member (and a globex API
// key) calls every tRPC procedure aimed at acme's objects, and with acme
// picked as the active tenant, and must see NOT_FOUND or only globex's own
// rows. A procedure added to the router without a case here fails.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "@scrollintel/core/roles";
import { authenticateApiKey, createApiKey } from "@scrollintel/core/services/api-key-service";
import { createInvitation } from "@scrollintel/core/services/invitation-service";
import { auditRefusal, REFUSALS_PER_ACTOR_MINUTE } from "@scrollintel/core/services/refusal-audit-service";
import { createMember, createTenant, ctxOf, PASSWORD, type TestUser } from "../../../../../test/factories";
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
  await t.db.tenantKeyRotation.create({
    data: { tenantId: acmeOwner.tenantId, toVersion: 2, requestedBy: acmeOwner.id },
  });
  globexKey = (
    await createApiKey(t.db, ctxOf(globexOwner), {
      name: "all",
      scopes: ["read", "query", "upload", "admin", "events:write"],
    })
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

type Expect = "NOT_FOUND" | "FORBIDDEN" | "BAD_REQUEST" | ((result: unknown) => void | Promise<void>);
const EXPECT: Record<string, Expect> = {
  "tenant.me": noAcme,
  "tenant.switch": "NOT_FOUND",
  // Personal: there is nothing of another tenant to name; a wrong current password is refused.
  "account.changePassword": "FORBIDDEN",
  "dataset.list": noAcme,
  "dataset.search": (r) => {
    noAcme(r);
    expect((r as { total: number }).total).toBe(0);
  },
  "dataset.get": "NOT_FOUND",
  "dataset.reingest": "NOT_FOUND",
  "dataset.cancel": "NOT_FOUND",
  "dataset.rejects": "NOT_FOUND",
  "dataset.streamStats": "NOT_FOUND",
  "dataset.setStreamEventTime": "NOT_FOUND",
  // Connectors are created in the caller's own tenant (the name is theirs), listed without the other's, deleted NOT_FOUND.
  "connector.create": (r) => expect(json(r)).not.toContain(acme.datasetId),
  "connector.list": noAcme,
  "connector.get": "NOT_FOUND",
  "connector.update": "NOT_FOUND",
  "connector.pause": "NOT_FOUND",
  "connector.resume": "NOT_FOUND",
  "connector.delete": "NOT_FOUND",
  "dataset.restoreArchive": "NOT_FOUND",
  "dataset.confirm": "NOT_FOUND",
  "dataset.discard": "NOT_FOUND",
  "dataset.intake": "NOT_FOUND",
  "dataset.updatePreview": "NOT_FOUND",
  "dataset.startIngest": "NOT_FOUND",
  "dataset.resolveDuplicate": "NOT_FOUND",
  "dataset.rename": "NOT_FOUND",
  "dataset.rollback": "NOT_FOUND",
  "dataset.deleteVersion": "NOT_FOUND",
  "dataset.restore": "NOT_FOUND",
  "dataset.delete": "NOT_FOUND",
  "trash.list": noAcme,
  "query.run": (r) => expect((r as { tenantId: string }).tenantId).toBe(globexOwner.tenantId),
  "query.get": "NOT_FOUND",
  "query.list": noAcme,
  "query.cancel": "NOT_FOUND",
  "query.page": "NOT_FOUND",
  "query.chart": "NOT_FOUND",
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
  "retention.get": (r) => {
    noAcme(r);
    // acme stores a dataset; globex stores nothing, and sees nothing of acme's.
    const kept = (r as { kept: { kind: string; bytes: bigint }[] }).kept;
    expect(kept.find((k) => k.kind === "datasets")?.bytes).toBe(0n);
  },
  "retention.update": async () => {
    // Only the caller's own tenant changed: acme keeps the defaults.
    expect(await t.db.tenantRetention.findUnique({ where: { tenantId: acmeOwner.tenantId } })).toBeNull();
    expect(
      (await t.db.tenantRetention.findUniqueOrThrow({ where: { tenantId: globexOwner.tenantId } })).resultDays,
    ).toBe(3);
  },
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
  "admin.runReconciliation": "FORBIDDEN",
  "admin.reconciliationReport": "FORBIDDEN",
  "admin.deleteTenant": "FORBIDDEN",
  "admin.complianceReport": "FORBIDDEN",
  "access.groups": noAcme,
  "access.createGroup": async (r) => {
    const g = await t.db.accessGroup.findFirstOrThrow({ where: { id: (r as { id: string }).id } });
    expect(g.tenantId).toBe(globexOwner.tenantId);
  },
  "access.deleteGroup": "NOT_FOUND",
  "access.setGroupMembers": "NOT_FOUND",
  "access.setMemberAttributes": "NOT_FOUND",
  "access.policy": "NOT_FOUND",
  "access.setPolicy": "NOT_FOUND",
  "compliance.report": noAcme,
  // acme has a rotation (made in beforeAll); globex, whose tenant comes from its session, sees none.
  "compliance.encryption": (r) => {
    noAcme(r);
    expect((r as { rotation: unknown }).rotation).toBeNull();
  },
  // Encryption is off in this suite: the refusal names it, and nothing is started for either tenant.
  "compliance.rotateKey": "BAD_REQUEST",
  "admin.system": "FORBIDDEN",
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
      // No scope grants an owner-only permission (compliance.read): the key is refused before any lookup.
      const keyCan = can("ADMIN", meta(path)!.permission!);
      await attack(callerForKey(t.db, key), path, keyCan ? EXPECT[path]! : "FORBIDDEN");
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

describe("invitations are bound to their e-mail, for everyone", () => {
  it("a signed-in user of another tenant with another e-mail cannot accept an acme invitation", async () => {
    const analyst = await createMember(t.db, { id: globexOwner.tenantId, slug: "globex" }, "ANALYST");
    const { token } = await createInvitation(t.db, ctxOf(acmeOwner), {
      role: "VIEWER",
      email: "someone-else@acme.test",
    });
    await expect(callerFor(t.db, analyst).invitation.accept({ token })).rejects.toSatisfy(code("FORBIDDEN"));
    expect(await t.db.membership.count({ where: { userId: analyst.id, tenantId: acmeOwner.tenantId } })).toBe(0);
    // The addressee, signed in with that e-mail, can.
    const addressee = await t.db.user.create({
      data: { email: "someone-else@acme.test", name: "Addressee", passwordHash: "x" },
    });
    const me = { ...analyst, id: addressee.id, email: addressee.email };
    await expect(callerFor(t.db, me).invitation.accept({ token })).resolves.toMatchObject({ tenantSlug: "acme" });
  });

  it("acceptAsNewUser answers the same for an existing e-mail as for a new one, and joins no one's account", async () => {
    const api = callerFor(t.db, null);
    const form = (token: string, email: string) => ({ token, email, name: "Probe", password: "a-guess-of-a-password" });
    const a = await createInvitation(t.db, ctxOf(acmeOwner), { role: "VIEWER" });
    const b = await createInvitation(t.db, ctxOf(acmeOwner), { role: "VIEWER" });
    const existing = await api.invitation.acceptAsNewUser(form(a.token, globexOwner.email));
    const fresh = await api.invitation.acceptAsNewUser(form(b.token, "brand-new-person@example.test"));
    expect(existing).toEqual(fresh);
    expect(await t.db.membership.count({ where: { userId: globexOwner.id, tenantId: acmeOwner.tenantId } })).toBe(0);
    // With the account's own password, it is the owner of that e-mail: the existing account joins.
    const c = await createInvitation(t.db, ctxOf(acmeOwner), { role: "VIEWER" });
    await api.invitation.acceptAsNewUser({ ...form(c.token, globexOwner.email), password: PASSWORD });
    expect(await t.db.membership.count({ where: { userId: globexOwner.id, tenantId: acmeOwner.tenantId } })).toBe(1);
    await t.db.membership.deleteMany({ where: { userId: globexOwner.id, tenantId: acmeOwner.tenantId } });
  });
});

describe("refused attempts are audited in the caller's own tenant, rate-limited", () => {
  it("writes refusal events for 404s on acme's ids and for permission refusals, fingerprinting the ids", async () => {
    const viewer = await createMember(t.db, { id: globexOwner.tenantId, slug: "globex" }, "VIEWER");
    await expect(callerFor(t.db, viewer).dataset.get({ id: acme.datasetId })).rejects.toSatisfy(code("NOT_FOUND"));
    await expect(callerFor(t.db, viewer).apiKey.create({ name: "x", scopes: ["read"] })).rejects.toSatisfy(
      code("FORBIDDEN"),
    );
    const events = await t.db.auditEvent.findMany({ where: { tenantId: globexOwner.tenantId, actorId: viewer.id } });
    expect(events.map((e) => [e.action, (e.metadata as { attempted: string }).attempted])).toEqual([
      ["refusal.not_found", "dataset.get"],
      ["refusal.forbidden", "apiKey.create"],
    ]);
    expect(events[0]!.target).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(json(events)).not.toContain(acme.datasetId);
    expect(await t.db.auditEvent.count({ where: { tenantId: acmeOwner.tenantId, actorId: viewer.id } })).toBe(0);
  });

  it("writes at most REFUSALS_PER_ACTOR_MINUTE per actor and minute, however many are refused", async () => {
    const prober = await createMember(t.db, { id: globexOwner.tenantId, slug: "globex" }, "VIEWER");
    const now = new Date("2026-01-01T00:00:10Z");
    const refusal = { code: "NOT_FOUND", message: "dataset not found" };
    let written = 0;
    for (let i = 0; i < REFUSALS_PER_ACTOR_MINUTE + 15; i++) {
      if (await auditRefusal(t.db, ctxOf(prober), { action: "dataset.get", error: refusal, target: `id${i}`, now })) {
        written++;
      }
    }
    expect(written).toBe(REFUSALS_PER_ACTOR_MINUTE);
    expect(await t.db.auditEvent.count({ where: { actorId: prober.id } })).toBe(REFUSALS_PER_ACTOR_MINUTE);
    // The next minute writes again.
    const later = new Date(now.getTime() + 60_000);
    expect(await auditRefusal(t.db, ctxOf(prober), { action: "dataset.get", error: refusal, now: later })).toBe(true);
  });
});
