// The first platform admin of a production install comes from a one-time
// link: single use, expiring, never once an admin exists, and recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { authenticateUser } from "./auth-service";
import { completeSetup, getSetupLink, issueSetupLink, SETUP_LINK_TTL_MS } from "./setup-service";

let t: TestDb;
const APP = "https://si.example";
const token = (url: string) => url.slice(`${APP}/setup/`.length);

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe("bootstrap admin setup link", () => {
  it("refuses an expired link, creates the admin once, and then no link works or is issued", async () => {
    const t0 = new Date("2026-11-30T12:00:00Z");
    const old = (await issueSetupLink(t.db, { email: "Ops@Example.test", appUrl: APP, now: t0 }))!;
    expect(old.url).toMatch(/^https:\/\/si\.example\/setup\/[A-Za-z0-9_-]{43}$/);
    const late = new Date(t0.getTime() + SETUP_LINK_TTL_MS + 1);
    await expect(getSetupLink(t.db, token(old.url), late)).rejects.toThrow(/expired/);
    await expect(
      completeSetup(t.db, { token: token(old.url), name: "Ops", password: "a-long-password-1", now: late }),
    ).rejects.toThrow(/expired/);

    const a = (await issueSetupLink(t.db, { email: "ops@example.test", appUrl: APP }))!;
    const b = (await issueSetupLink(t.db, { email: "ops@example.test", appUrl: APP }))!; // a second web process
    expect(await getSetupLink(t.db, token(a.url))).toMatchObject({ email: "ops@example.test" });
    await expect(completeSetup(t.db, { token: token(a.url), name: "Ops", password: "short" })).rejects.toThrow(
      /password: at least 12/,
    );
    await expect(
      completeSetup(t.db, { token: "x".repeat(43), name: "Ops", password: "a-long-password-1" }),
    ).rejects.toThrow(/invalid/);
    const done = await completeSetup(t.db, {
      token: token(a.url),
      name: "Ops",
      password: "a-long-password-1",
      ip: "192.0.2.1",
    });
    expect(done.email).toBe("ops@example.test");

    for (const link of [a, b]) {
      await expect(
        completeSetup(t.db, { token: token(link.url), name: "Eve", password: "a-long-password-2" }),
      ).rejects.toThrow(/already used/);
    }
    expect(await issueSetupLink(t.db, { email: "ops@example.test", appUrl: APP })).toBeNull();

    const signIn = await authenticateUser(t.db, { email: "ops@example.test", password: "a-long-password-1" });
    expect(signIn).toMatchObject({ ok: true, user: { isPlatformAdmin: true } });
    const used = await t.db.setupToken.findFirstOrThrow({ where: { usedBy: done.userId } });
    expect(used).toMatchObject({ usedIp: "192.0.2.1" });
    expect(await t.db.setupToken.count({ where: { usedAt: null } })).toBe(0);
  });
});
