import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { verifyPassword } from "../passwords";
import { acceptInvitation, createInvitation, getInvitationByToken, revokeInvitation } from "./invitation-service";
import { changeMemberRole, findMembers, removeMember } from "./member-service";

let t: TestDb;
let tenant: { id: string; slug: string };
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db);
  owner = await createMember(t.db, tenant, "OWNER");
  admin = await createMember(t.db, tenant, "ADMIN");
});
afterAll(() => t.drop());

describe("members and roles", () => {
  it("never leaves a tenant without an owner", async () => {
    await expect(changeMemberRole(t.db, ctxOf(owner), { userId: owner.id, role: "ADMIN" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(removeMember(t.db, ctxOf(owner), { userId: owner.id })).rejects.toThrow(/last owner/);
  });

  it("lets only owners grant or remove the owner role", async () => {
    const analyst = await createMember(t.db, tenant, "ANALYST");
    await expect(changeMemberRole(t.db, ctxOf(admin), { userId: analyst.id, role: "OWNER" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await changeMemberRole(t.db, ctxOf(admin), { userId: analyst.id, role: "VIEWER" });
    await changeMemberRole(t.db, ctxOf(owner), { userId: analyst.id, role: "OWNER" });
    expect((await findMembers(t.db, ctxOf(owner))).find((m) => m.userId === analyst.id)?.role).toBe("OWNER");
    await removeMember(t.db, ctxOf(owner), { userId: analyst.id });
    const actions = (await t.db.auditEvent.findMany({ where: { tenantId: tenant.id, target: analyst.id } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["member.role_change", "member.role_change", "member.remove"]);
  });
});

describe("invitations", () => {
  it("turns a link into a new account with the invited role, once", async () => {
    const { token } = await createInvitation(t.db, ctxOf(admin), { role: "ANALYST", email: "New.Person@Example.com" });
    expect(await getInvitationByToken(t.db, token)).toMatchObject({ role: "ANALYST", email: "new.person@example.com" });
    await expect(
      acceptInvitation(t.db, {
        token,
        newUser: { email: "someone.else@example.com", name: "X", password: "long-password-1" },
      }),
    ).rejects.toThrow(/This invitation is for new.person@example.com/);
    const r = await acceptInvitation(t.db, {
      token,
      newUser: { email: "new.person@example.com", name: "New Person", password: "long-password-1" },
    });
    expect(r.tenantSlug).toBe(tenant.slug);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "new.person@example.com" } });
    expect(await verifyPassword("long-password-1", user.passwordHash)).toBe(true);
    expect((await findMembers(t.db, ctxOf(owner))).find((m) => m.userId === user.id)?.role).toBe("ANALYST");
    await expect(getInvitationByToken(t.db, token)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(acceptInvitation(t.db, { token, userId: owner.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets an existing user of another tenant join, and then switch between both", async () => {
    const other = await createMember(t.db, await createTenant(t.db), "OWNER");
    const { token } = await createInvitation(t.db, ctxOf(owner), { role: "VIEWER" });
    await acceptInvitation(t.db, { token, userId: other.id });
    expect(await t.db.membership.count({ where: { userId: other.id } })).toBe(2);
  });

  it("refuses revoked and expired links, and admins inviting owners", async () => {
    const a = await createInvitation(t.db, ctxOf(owner), { role: "VIEWER" });
    await revokeInvitation(t.db, ctxOf(owner), a.invitation.id);
    await expect(getInvitationByToken(t.db, a.token)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const b = await createInvitation(t.db, ctxOf(owner), { role: "VIEWER" });
    await t.db.invitation.update({ where: { id: b.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvitation(t.db, { token: b.token, userId: admin.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(createInvitation(t.db, ctxOf(admin), { role: "OWNER" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
