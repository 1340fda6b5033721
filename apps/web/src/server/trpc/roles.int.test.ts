// Every procedure declares its permission; every role is tried against it.
// A role without the permission gets FORBIDDEN before anything happens; a role
// with it gets past the check (whatever the call then says).
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopePermissions } from "@scrollintel/core/api-keys";
import { can, ROLES } from "@scrollintel/core/roles";
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
        expect(got, `${role} ${path} (${permission})`).toBe(can(role, permission) ? "PASSED" : "FORBIDDEN");
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

  for (const scopes of [["read"], ["query"], ["upload"], ["admin"]]) {
    it(`an API key scoped [${scopes.join(",")}] is limited to its scopes`, async () => {
      const { key } = await createApiKey(t.db, ctxOf(owner), { name: "scoped", scopes });
      const api = callerForKey(t.db, (await authenticateApiKey(t.db, key))!);
      const allowed = scopePermissions(scopes);
      const targets = await makeTargets(t.db, owner);
      for (const [path, p] of guarded) {
        const permission = p._def.meta!.permission!;
        const got = await outcome(PROCEDURE_CALLS[path]!(api, targets));
        expect(got, `${scopes} ${path}`).toBe(
          allowed.has(permission) && can("ADMIN", permission) ? "PASSED" : "FORBIDDEN",
        );
      }
    });
  }
});

describe("suspended tenant", () => {
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
