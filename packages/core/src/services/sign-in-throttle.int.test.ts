// Sign-in throttling as an attacker meets it: guessing one account's password,
// spraying many accounts from one address, and doing either through two web
// processes (two connection pools) at once. The counts live in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { authenticateUser } from "./auth-service";
import { SIGN_IN_LIMITS } from "./sign-in-throttle-service";

let t: TestDb;
let second: Db;
let victim: TestUser;
const T0 = new Date("2026-11-30T12:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

beforeAll(async () => {
  t = await createTestDb();
  second = createDb(t.url, { max: 2 }); // a second web process
  victim = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  await second?.$disconnect();
  await t?.drop();
});

describe("sign-in throttle", () => {
  it("locks an account after 5 wrong passwords across two processes; the right one is refused until the lock ends", async () => {
    const results = [];
    for (let i = 0; i < SIGN_IN_LIMITS.account.maxFailures; i++) {
      const db = i % 2 ? second : t.db; // alternate processes: the count is shared
      results.push(
        await authenticateUser(db, { email: victim.email, password: `guess-${i}`, ip: `10.0.0.${i}`, now: at(i / 10) }),
      );
    }
    expect(results.slice(0, -1).map((r) => r.ok || r.reason)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    const last = results.at(-1)!;
    expect(last).toMatchObject({ ok: false, reason: "locked" });
    const retryAt = (last as { retryAt: Date }).retryAt;
    expect(retryAt.getTime()).toBeGreaterThan(at(14).getTime());

    const right = await authenticateUser(second, {
      email: victim.email,
      password: PASSWORD,
      ip: "10.9.9.9",
      now: at(5),
    });
    expect(right).toMatchObject({ ok: false, reason: "locked", retryAt });
    // The e-mail is matched however it is typed.
    const upper = await authenticateUser(t.db, {
      email: ` ${victim.email.toUpperCase()} `,
      password: PASSWORD,
      now: at(6),
    });
    expect(upper).toMatchObject({ ok: false, reason: "locked" });

    const later = await authenticateUser(t.db, {
      email: victim.email,
      password: PASSWORD,
      ip: "10.9.9.9",
      now: at(16),
    });
    expect(later.ok).toBe(true);

    const events = await t.db.auditEvent.findMany({ where: { tenantId: victim.tenantId }, orderBy: { seq: "asc" } });
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === "auth.signin_failed")).toHaveLength(5);
    const locked = events.find((e) => e.action === "auth.locked")!;
    expect(locked.metadata).toMatchObject({ by: ["account"], until: retryAt.toISOString() });
    expect(actions.at(-1)).toBe("auth.signin");
  });

  it("forgets failures older than the window, and a success clears the account's count", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "VIEWER");
    for (let i = 0; i < 4; i++) await authenticateUser(t.db, { email: u.email, password: "nope", now: at(i) });
    // 20 minutes later the window is over: four more failures do not lock.
    for (let i = 0; i < 4; i++) {
      const r = await authenticateUser(t.db, { email: u.email, password: "nope", now: at(20 + i) });
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
    expect((await authenticateUser(t.db, { email: u.email, password: PASSWORD, now: at(25) })).ok).toBe(true);
    for (let i = 0; i < 4; i++) {
      const r = await authenticateUser(t.db, { email: u.email, password: "nope", now: at(26) });
      expect(r).toMatchObject({ ok: false, reason: "invalid" });
    }
  });

  it("locks an address that sprays many accounts, for every account, but not other addresses", async () => {
    const tenant = await createTenant(t.db);
    const users = await Promise.all(Array.from({ length: 5 }, () => createMember(t.db, tenant, "VIEWER")));
    const ip = "203.0.113.7";
    let last;
    for (let i = 0; i < SIGN_IN_LIMITS.ip.maxFailures; i++) {
      const u = users[i % users.length]!;
      last = await authenticateUser(i % 2 ? second : t.db, {
        email: `${i}-${u.email}`,
        password: "x",
        ip,
        now: at(i / 60),
      });
    }
    expect(last).toMatchObject({ ok: false, reason: "locked" });
    const fresh = await createMember(t.db, tenant, "ANALYST");
    const fromThere = await authenticateUser(t.db, { email: fresh.email, password: PASSWORD, ip, now: at(1) });
    expect(fromThere).toMatchObject({ ok: false, reason: "locked" });
    const elsewhere = await authenticateUser(t.db, {
      email: fresh.email,
      password: PASSWORD,
      ip: "198.51.100.1",
      now: at(1),
    });
    expect(elsewhere.ok).toBe(true);
  });

  it("counts unknown e-mails too, so probing does not reveal which accounts exist", async () => {
    const ghost = "nobody-here@example.test";
    let r;
    for (let i = 0; i < SIGN_IN_LIMITS.account.maxFailures; i++) {
      r = await authenticateUser(t.db, { email: ghost, password: "x", now: at(40) });
    }
    expect(r).toMatchObject({ ok: false, reason: "locked" });
  });
});
