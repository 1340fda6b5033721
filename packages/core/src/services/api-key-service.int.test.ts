import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { authenticateApiKey, createApiKey, enforceApiRateLimits, findApiKeys, revokeApiKey } from "./api-key-service";
import { hitRateLimit } from "./rate-limit-service";

let t: TestDb;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  admin = await createMember(t.db, await createTenant(t.db), "ADMIN");
});
afterAll(() => t.drop());

describe("API keys", () => {
  it("shows the secret once, stores only its hash, and authenticates it", async () => {
    const { key, apiKey } = await createApiKey(t.db, ctxOf(admin), { name: "etl", scopes: ["read", "upload"] });
    const row = await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    // The secret is base64url and may itself hold "_": cut it off after the prefix, never split on "_".
    expect(key.startsWith(`si_${row.prefix}_`)).toBe(true);
    const secret = key.slice(`si_${row.prefix}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);
    const p = await authenticateApiKey(t.db, key);
    expect(p).toMatchObject({ keyId: apiKey.id, tenantId: admin.tenantId, scopes: ["read", "upload"] });
    expect((await findApiKeys(t.db, ctxOf(admin)))[0]!.lastUsedAt).not.toBeNull();
    expect(await authenticateApiKey(t.db, key.slice(0, -1) + (key.endsWith("A") ? "B" : "A"))).toBeNull();
  });

  it("stops working the moment it is revoked", async () => {
    const { key, apiKey } = await createApiKey(t.db, ctxOf(admin), { name: "temp", scopes: ["read"] });
    await revokeApiKey(t.db, ctxOf(admin), apiKey.id);
    expect(await authenticateApiKey(t.db, key)).toBeNull();
    const actions = (await t.db.auditEvent.findMany({ where: { target: apiKey.id } })).map((e) => e.action);
    expect(actions).toEqual(["apikey.create", "apikey.revoke"]);
  });

  it("expires: works until its expiry, then is refused like a revoked key", async () => {
    const { key, apiKey } = await createApiKey(t.db, ctxOf(admin), {
      name: "week",
      scopes: ["read"],
      expiresInDays: 7,
    });
    const days = (apiKey.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    expect(await authenticateApiKey(t.db, key)).not.toBeNull();
    await t.db.apiKey.update({ where: { id: apiKey.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await authenticateApiKey(t.db, key)).toBeNull();
    const listed = (await findApiKeys(t.db, ctxOf(admin))).find((k) => k.id === apiKey.id);
    expect(listed?.expiresAt).toBeInstanceOf(Date);
    const forever = await createApiKey(t.db, ctxOf(admin), { name: "forever", scopes: ["read"] });
    expect(forever.apiKey.expiresAt).toBeNull();
  });

  it("refuses unknown scopes", async () => {
    await expect(createApiKey(t.db, ctxOf(admin), { name: "x", scopes: ["root"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("rate limits", () => {
  it("counts requests per window across connections and says when to retry", async () => {
    const now = new Date("2026-01-01T10:00:15Z");
    await Promise.all(Array.from({ length: 5 }, () => hitRateLimit(t.db, "bucket-a", 5, now)));
    await expect(hitRateLimit(t.db, "bucket-a", 5, now)).rejects.toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfter: 45 },
    });
    await expect(hitRateLimit(t.db, "bucket-a", 5, new Date("2026-01-01T10:01:00Z"))).resolves.toBeUndefined();
  });

  it("limits a key by its own rate and its tenant's", async () => {
    const { key } = await createApiKey(t.db, ctxOf(admin), { name: "slow", scopes: ["read"], requestsPerMinute: 2 });
    const p = (await authenticateApiKey(t.db, key))!;
    await enforceApiRateLimits(t.db, p);
    await enforceApiRateLimits(t.db, p);
    await expect(enforceApiRateLimits(t.db, p)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
