// Sessions end on the server, at once: a copied session cookie stops working
// right after sign-out or a password change, and a demoted or removed member's
// very next request (tRPC and the plain routes) sees the change. Driven
// through the real /api/trpc and download handlers with a real session JWT.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@scrollintel/core/logger";
import { changeMemberRole, removeMember } from "@scrollintel/core/services/member-service";
import { changePassword, getSessionState, revokeSessions } from "@scrollintel/core/services/session-service";
import { authSecret } from "@/env";
import { tenantRoute } from "@/server/http/edge-route";
import { createTrpcHandler } from "@/server/http/trpc-handler";
import { createMember, createTenant, ctxOf, PASSWORD, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  owner = await createMember(t.db, await createTenant(t.db), "OWNER");
});
afterAll(async () => {
  await t?.drop();
});

/** The cookie next-auth sets at sign-in: the user's session version at that moment. */
async function signedInCookie(u: TestUser): Promise<string> {
  const sv = (await getSessionState(t.db, u.id))!.sessionVersion;
  const token = await encode({ token: { uid: u.id, email: u.email, name: "x", pa: false, sv }, secret: authSecret() });
  return `next-auth.session-token=${token}; si_tenant=${u.slug}`;
}

const trpc = () => createTrpcHandler(() => ({ db: t.db, log }));

async function call(proc: string, cookie: string): Promise<{ status: number; body: string }> {
  const res = await trpc()(new Request(`http://localhost/api/trpc/${proc}`, { headers: { cookie } }));
  return { status: res.status, body: await res.text() };
}

describe("revocable sessions", () => {
  it("a copied cookie stops working right after sign-out (every session of the user ends)", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const cookie = await signedInCookie(u);
    const copy = `${cookie}`;
    expect((await call("tenant.me", copy)).status).toBe(200);
    await revokeSessions(t.db, u.id); // what next-auth's signOut event does
    const after = await call("tenant.me", copy);
    expect(after.status).toBe(401);
    expect((await call("dataset.list", cookie)).status).toBe(401);
    // Signing in again gives a session with the new version, which works.
    expect((await call("tenant.me", await signedInCookie(u))).status).toBe(200);
  });

  it("a password change ends the sessions issued before it", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const cookie = await signedInCookie(u);
    expect((await call("dataset.list", cookie)).status).toBe(200);
    await expect(
      changePassword(t.db, { userId: u.id, currentPassword: "wrong-one", newPassword: "another-password" }),
    ).rejects.toThrow(/currentPassword/);
    expect((await call("dataset.list", cookie)).status).toBe(200);
    await changePassword(t.db, { userId: u.id, currentPassword: PASSWORD, newPassword: "another-password" });
    expect((await call("dataset.list", cookie)).status).toBe(401);
  });

  it("account.changePassword over HTTP ends the session that called it and every copy", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "VIEWER");
    const cookie = await signedInCookie(u);
    const change = (currentPassword: string) =>
      trpc()(
        new Request("http://localhost/api/trpc/account.changePassword", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", host: "localhost", origin: "http://localhost" },
          body: JSON.stringify({ json: { currentPassword, newPassword: "brand-new-password" } }),
        }),
      );
    expect((await change("not-it")).status).toBe(403);
    expect((await call("tenant.me", cookie)).status).toBe(200);
    expect((await change(PASSWORD)).status).toBe(200);
    expect((await call("tenant.me", cookie)).status).toBe(401);
  });

  it("a demoted member's next request has the new role (tRPC and a download route)", async () => {
    const tenant = await createTenant(t.db);
    const boss = await createMember(t.db, tenant, "OWNER");
    const admin = await createMember(t.db, tenant, "ADMIN");
    const cookie = await signedInCookie(admin);
    expect((await call("apiKey.list", cookie)).status).toBe(200);
    const auditExport = tenantRoute<object>("audit.read", async () => new Response("ok"), {
      deps: () => ({ db: t.db, log, storage: null as never }),
    });
    const exportReq = () => new Request("http://localhost/api/audit/export", { headers: { cookie } });
    expect((await auditExport(exportReq(), undefined as never)).status).toBe(200);

    await changeMemberRole(t.db, ctxOf(boss), { userId: admin.id, role: "VIEWER" });
    const denied = await call("apiKey.list", cookie);
    expect(denied.status).toBe(403);
    expect((await auditExport(exportReq(), undefined as never)).status).toBe(403);
    const me = await call("tenant.me", cookie);
    expect(me.body).toContain('"role":"VIEWER"');
  });

  it("a member removed from the tenant is refused on the next request", async () => {
    const tenant = await createTenant(t.db);
    const boss = await createMember(t.db, tenant, "OWNER");
    const gone = await createMember(t.db, tenant, "ANALYST");
    const cookie = await signedInCookie(gone);
    expect((await call("dataset.list", cookie)).status).toBe(200);
    await removeMember(t.db, ctxOf(boss), { userId: gone.id });
    expect((await call("dataset.list", cookie)).status).toBe(404);
  });

  it("an owner's session is unaffected by another user's sign-out", async () => {
    const cookie = await signedInCookie(owner);
    const other = await createMember(t.db, await createTenant(t.db), "VIEWER");
    await revokeSessions(t.db, other.id);
    expect((await call("tenant.me", cookie)).status).toBe(200);
  });
});
