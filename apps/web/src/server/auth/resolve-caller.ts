import { bearerToken } from "@scrollintel/core/api-keys";
import type { Db } from "@scrollintel/core/db/client";
import { DomainError } from "@scrollintel/core/errors";
import { authenticateApiKey } from "@scrollintel/core/services/api-key-service";
import { readSessionAndTenant } from "@scrollintel/core/services/auth-service";
import { isSessionCurrent } from "@scrollintel/core/services/session-service";
import { decodeSession } from "@/server/auth/session-cache";
import { tenantSlugFromCookies } from "@/server/auth/tenant-cookie";
import { clientIp } from "@/server/http/client-ip";
import type { Caller } from "@/server/trpc/context";

/**
 * The caller of this request: an API key when an Authorization header is
 * present (a bad key is refused, never downgraded to the session), else the
 * signed-in user, else null.
 */
export async function resolveCaller(db: Db, req: Request): Promise<Caller | null> {
  const auth = req.headers.get("authorization");
  if (auth) {
    const token = bearerToken(auth);
    const key = token ? await authenticateApiKey(db, token) : null;
    if (!key) throw new DomainError("UNAUTHORIZED", "Invalid or revoked API key.");
    return { kind: "apiKey", key };
  }
  // Decoding the session JWT directly: getServerSession would run next-auth's whole
  // handler on every call, and this is on every request's path. The decode is
  // cached per cookie value for a few seconds (session-cache.ts); a per-request
  // check that a session is still current (e.g. a server-side session version)
  // belongs here, after the decode, so it runs on every request, cached or not.
  const cookies = parseCookies(req);
  const token = await decodeSession(cookies);
  if (!token?.uid) return null;
  // A revoked session (sign-out, password change) is no session at all; the row also has the current admin
  // flag. The membership in the workspace the request names comes in the same round trip, for tenant resolution.
  const tenantSlug = tenantSlugFromCookies(req.headers.get("cookie") ?? "");
  const { session, tenant } = await readSessionAndTenant(db, { userId: String(token.uid), tenantSlug });
  if (!isSessionCurrent(session, token.sv)) return null;
  return {
    kind: "user",
    userId: String(token.uid),
    email: String(token.email),
    isPlatformAdmin: session.isPlatformAdmin,
    membership: { tenantSlug, row: tenant },
  };
}

function parseCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function requestMeta(req: Request): { ip: string | null; userAgent: string | null; tenantSlug: string | null } {
  const cookie = req.headers.get("cookie") ?? "";
  const slug = tenantSlugFromCookies(cookie);
  return {
    ip: clientIp((name) => req.headers.get(name)),
    userAgent: req.headers.get("user-agent"),
    tenantSlug: slug,
  };
}
