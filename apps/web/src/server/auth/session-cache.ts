import { getToken, type JWT } from "next-auth/jwt";
import { authSecret } from "@/env";

/**
 * Decoded session cookies, by the cookie's exact value, for a short time.
 * Decoding one (HKDF key derivation on libuv's pool, then AES-GCM decryption
 * of the JWE) ran on every request; the same cookie always decodes to the same
 * claims, so a hit is as good as a decode. An entry lives at most TTL_MS and
 * never past the token's own expiry. Revocation is not decided here: whatever
 * must be checked per request (a server-side session version) runs after this,
 * on every request, in resolveCaller.
 */
// The claims of a cookie value never change, so the TTL only bounds how long an unused entry stays: at
// 30 s a thousand active sessions were decoded again 33 times a second (~2% of the web's CPU under load).
const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  token: JWT | null;
  until: number;
}

const cache = new Map<string, Entry>();
let decodes = 0;

/** How many cookies were actually decoded (not served from the cache) since start; for tests. */
export function sessionDecodeCount(): number {
  return decodes;
}

/** The session cookie's value (either name next-auth may use), if present. */
function sessionCookieValue(cookies: Record<string, string>): { name: string; value: string } | null {
  for (const name of ["__Secure-next-auth.session-token", "next-auth.session-token"]) {
    if (cookies[name]) return { name, value: cookies[name] };
  }
  return null;
}

/** The decoded session JWT of a request's cookies (null when absent, invalid or expired). */
export async function decodeSession(cookies: Record<string, string>): Promise<JWT | null> {
  const now = Date.now();
  // A chunked cookie (name.0, name.1…) is left to next-auth unchanged, uncached.
  const hit = sessionCookieValue(cookies);
  const key = hit ? `${hit.name}=${hit.value}` : null;
  if (key) {
    const e = cache.get(key);
    if (e && e.until > now) return e.token;
    if (e) cache.delete(key);
  }
  decodes++;
  const token = await getToken({ req: { cookies, headers: {} } as never, secret: authSecret() });
  if (key) {
    const exp = typeof token?.exp === "number" ? token.exp * 1000 : now + TTL_MS;
    const until = Math.min(now + TTL_MS, exp);
    if (until > now) {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(key, { token, until });
    }
  }
  return token;
}
