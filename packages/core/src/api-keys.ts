import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { SCOPE_PERMISSIONS, type ApiKeyScope } from "@scrollintel/shared/api-key-scopes";
import type { Permission } from "./roles";

// The scope names are client-safe (shared); the hashing below is server code.
export { API_KEY_SCOPES, SCOPE_PERMISSIONS, type ApiKeyScope } from "@scrollintel/shared/api-key-scopes";

export function scopePermissions(scopes: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const s of scopes) for (const p of SCOPE_PERMISSIONS[s as ApiKeyScope] ?? []) out.add(p);
  return out;
}

const KEY = /^si_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new key: the full secret (shown once), its visible prefix, and the hash that is stored. */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { key: `si_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Splits a presented key; null for anything not shaped like one of ours. */
export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = KEY.exec(key.trim());
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

/** Constant-time check of a presented secret against the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key from an `Authorization: Bearer …` header value, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? "");
  return m ? m[1]! : null;
}
