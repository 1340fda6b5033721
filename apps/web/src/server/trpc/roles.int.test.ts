// Every procedure declares its permission; every role is tried against it.
// A role without the permission gets FORBIDDEN before anything happens; a role
// with it gets past the check (whatever the call then says).
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_SCOPES, scopePermissions } from "@scrollintel/core/api-keys";
import { can, ROLE_PERMISSIONS, ROLES, type Permission } from "@scrollintel/core/roles";
import { authenticateApiKey, createApiKey } from "@scrollintel/core/services/api-key-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { makeTargets, PROCEDURE_CALLS } from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor, callerForKey, PROCEDURES } from "../../../../../test/trpc-caller";

let t: TestDb;
let owner: TestUser;
let tenant: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db, { slug: "roles" });
  owner = await createMember(t.db, tenant, "OWNER");
});
afterAll(() => t.drop());

const procs = PROCEDURES;
const guarded = Object.entries(procs).filter(([, p]) => p._def.meta?.permission);
const platform = Object.entries(procs).filter(([, p]) => p._def.meta?.platform);
const isForbidden = (e: unknown) => e instanceof TRPCError && e.code === "FORBIDDEN";

/**
 * What the calls in PROCEDURE_CALLS grant, on top of the permission the
 * procedure declares: a principal never grants more than it holds.
 */
const GRANTS: Record<string, Iterable<Permission>> = {
  "apiKey.create": scopePermissions(["read"]),
  "member.invite": ROLE_PERMISSIONS.VIEWER,
  // VIEWER → ANALYST: the caller must hold both roles' permissions.
  "member.changeRole": ROLE_PERMISSIONS.ANALYST,
};
const holdsGrant = (held: (p: Permission) => boolean, path: string) => [...(GRANTS[path] ?? [])].every(held);

async function outcome(call: Promise<unknown>): Promise<"FORBIDDEN" | "PASSED"> {
  try {
    await call;
    return "PASSED";
  } catch (e) {
    return isForbidden(e) ? "FORBIDDEN" : "PASSED";
  }
}

describe("role → permission table on every procedure", () => {
  it("declares a permission (or platform) on every procedure but the personal and public ones", () => {
    const undeclared = Object.entries(procs)
      .filter(([, p]) => !p._def.meta?.permission && !p._def.meta?.platform)
      .map(([k]) => k)
      .sort();
    expect(undeclared).toEqual([
      "account.changePassword",
      "invitation.accept",
      "invitation.acceptAsNewUser",
      "invitation.get",
      "tenant.me",
      "tenant.switch",
    ]);
  });

  for (const role of ROLES) {
    it(`${role}: allowed exactly what ROLE_PERMISSIONS says`, async () => {
      const user = await createMember(t.db, tenant, role);
      const targets = await makeTargets(t.db, owner);
      const api = callerFor(t.db, user);
      for (const [path, p] of guarded) {
        const permission = p._def.meta!.permission!;
        const got = await outcome(PROCEDURE_CALLS[path]!(api, targets));
        const ok = can(role, permission) && holdsGrant((q) => can(role, q), path);
        expect(got, `${role} ${path} (${permission})`).toBe(ok ? "PASSED" : "FORBIDDEN");
      }
    });
  }

  it("keeps platform procedures to platform admins", async () => {
    // Its own tenant: the admin calls really change quotas and status.
    const targets = await makeTargets(t.db, await createMember(t.db, await createTenant(t.db), "OWNER"));
    for (const [path] of platform) {
      expect(await outcome(PROCEDURE_CALLS[path]!(callerFor(t.db, owner), targets)), path).toBe("FORBIDDEN");
      expect(
        await outcome(PROCEDURE_CALLS[path]!(callerFor(t.db, owner, { platformAdmin: true }), targets)),
        path,
      ).toBe("PASSED");
    }
  });

  for (const scopes of [["read"], ["query"], ["upload"], ["admin"], ["events:write"]]) {
    it(`an API key scoped [${scopes.join(",")}] is limited to its scopes`, async () => {
      const { key } = await createApiKey(t.db, ctxOf(owner), { name: "scoped", scopes });
      const api = callerForKey(t.db, (await authenticateApiKey(t.db, key))!);
      const allowed = scopePermissions(scopes);
      const targets = await makeTargets(t.db, owner);
      for (const [path, p] of guarded) {
        const permission = p._def.meta!.permission!;
        const got = await outcome(PROCEDURE_CALLS[path]!(api, targets));
        const held = (q: Permission) => allowed.has(q) && can("ADMIN", q);
        expect(got, `${scopes} ${path}`).toBe(held(permission) && holdsGrant(held, path) ? "PASSED" : "FORBIDDEN");
      }
    });
  }
});

describe("a principal never grants more than it holds", () => {
  const keyApi = async (scopes: string[]) => {
    const { key } = await createApiKey(t.db, ctxOf(owner), { name: "granter", scopes });
    return callerForKey(t.db, (await authenticateApiKey(t.db, key))!);
  };

  it("an admin-scope key cannot mint a key with a scope it lacks", async () => {
    const api = await keyApi(["admin"]);
    for (const scope of ["read", "query", "upload"] as const) {
      await expect(api.apiKey.create({ name: "mint", scopes: [scope] }), scope).rejects.toSatisfy(isForbidden);
    }
    await expect(api.apiKey.create({ name: "all", scopes: [...API_KEY_SCOPES] })).rejects.toThrow(
      /cannot grant the read scope/,
    );
    const same = await api.apiKey.create({ name: "admin again", scopes: ["admin"] });
    const minted = callerForKey(t.db, (await authenticateApiKey(t.db, same.key))!);
    await expect(minted.query.run({ sql: "SELECT 1", waitMs: 0 })).rejects.toSatisfy(isForbidden);
  });

  it("a key invites and changes roles only up to what its scopes hold; nobody but an owner makes owners", async () => {
    const adminOnly = await keyApi(["admin"]);
    for (const role of ROLES) await expect(adminOnly.member.invite({ role }), role).rejects.toSatisfy(isForbidden);
    const full = await keyApi([...API_KEY_SCOPES]);
    for (const role of ["VIEWER", "ANALYST", "ADMIN"] as const)
      await expect(full.member.invite({ role })).resolves.toBeTruthy();
    await expect(full.member.invite({ role: "OWNER" })).rejects.toSatisfy(isForbidden);
    const m = await createMember(t.db, tenant, "VIEWER");
    await expect(adminOnly.member.changeRole({ userId: m.id, role: "ADMIN" })).rejects.toSatisfy(isForbidden);
    await expect(full.member.changeRole({ userId: m.id, role: "OWNER" })).rejects.toSatisfy(isForbidden);
    await full.member.changeRole({ userId: m.id, role: "ADMIN" });
    const admin = callerFor(t.db, await createMember(t.db, tenant, "ADMIN"));
    await expect(admin.member.invite({ role: "OWNER" })).rejects.toSatisfy(isForbidden);
    await expect(admin.member.changeRole({ userId: owner.id, role: "VIEWER" })).rejects.toSatisfy(isForbidden);
  });
});

/** "FORBIDDEN: <message>" for a refusal, else "PASSED" (whatever else the call said). */
async function settle(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "PASSED";
  } catch (e) {
    return isForbidden(e) ? `FORBIDDEN: ${(e as Error).message}` : "PASSED";
  }
}

describe("suspended tenant", () => {
  it("refuses every mutation to its owner and to a key with every scope, and still answers every read", async () => {
    const s = await createTenant(t.db, { slug: "sleepy-all" });
    const sOwner = await createMember(t.db, s, "OWNER");
    const targets = await makeTargets(t.db, sOwner);
    const { key } = await createApiKey(t.db, ctxOf(sOwner), { name: "all", scopes: [...API_KEY_SCOPES] });
    await t.db.tenant.update({ where: { id: s.id }, data: { status: "SUSPENDED" } });
    const callers = { owner: callerFor(t.db, sOwner), key: callerForKey(t.db, (await authenticateApiKey(t.db, key))!) };
    const mutations: string[] = [];
    for (const [who, api] of Object.entries(callers)) {
      for (const [path, p] of guarded) {
        const def = p._def as { type?: string; meta?: { readOnly?: boolean; permission?: Permission } };
        const write = def.type === "mutation" && !def.meta?.readOnly;
        if (write) mutations.push(path);
        const got = await settle(PROCEDURE_CALLS[path]!(api, targets));
        // No scope grants an owner-only permission (tenant.manage, compliance.read): a key is refused that first.
        const keyCan = who === "owner" || can("ADMIN", def.meta!.permission!);
        if (write && keyCan) expect(got, `${who} ${path}`).toMatch(/^FORBIDDEN: .*suspended/);
        else if (keyCan) expect(got, `${who} ${path}`).toBe("PASSED");
        else expect(got, `${who} ${path}`).toMatch(/^FORBIDDEN: (?!.*suspended)/);
      }
    }
    expect(mutations).toEqual(expect.arrayContaining(["apiKey.create", "member.invite", "savedQuery.create"]));
    // Nothing was written: the refusals came before any handler ran.
    expect(await t.db.savedQuery.count({ where: { tenantId: s.id } })).toBe(1);
    expect(await t.db.apiKey.count({ where: { tenantId: s.id } })).toBe(2);
  });

  it("can sign in and read, but not upload or query", async () => {
    const s = await createTenant(t.db, { slug: "sleepy", suspended: true });
    const analyst = await createMember(t.db, s, "ANALYST");
    const api = callerFor(t.db, analyst);
    await expect(api.dataset.list()).resolves.toEqual([]);
    const me = await api.tenant.me();
    expect(me.active?.suspended).toBe(true);
    await expect(api.query.run({ sql: "SELECT 1", waitMs: 0 })).rejects.toThrow(/suspended/);
  });
});
