import { describe, expect, it } from "vitest";
import { bearerToken, generateApiKey, parseApiKey, scopePermissions, secretMatches } from "./api-keys";

describe("API keys", () => {
  it("round-trips a generated key through parse and hash check", () => {
    const k = generateApiKey();
    expect(k.key).toMatch(/^si_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(k.key)!;
    expect(parsed.prefix).toBe(k.prefix);
    expect(secretMatches(parsed.secret, k.secretHash)).toBe(true);
    expect(k.secretHash).not.toContain(parsed.secret);
  });

  it("rejects a wrong secret and malformed keys", () => {
    const k = generateApiKey();
    const other = parseApiKey(generateApiKey().key)!;
    expect(secretMatches(other.secret, k.secretHash)).toBe(false);
    for (const bad of ["", "si_", "si_123_abc", `xx_${k.prefix}_${"a".repeat(43)}`, `${k.key}x`]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it("reads bearer tokens", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer  abc ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });

  it("maps scopes to permissions without granting tenant management", () => {
    expect([...scopePermissions(["read"])].sort()).toEqual(["dataset.read", "query.read", "quota.read"]);
    expect(scopePermissions(["query"]).has("upload.create")).toBe(false);
    expect(scopePermissions(["upload"]).has("upload.create")).toBe(true);
    const all = scopePermissions(["read", "query", "upload", "admin"]);
    expect(all.has("tenant.manage")).toBe(false);
    expect(scopePermissions(["bogus"]).size).toBe(0);
  });
});
