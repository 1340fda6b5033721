import { getToken } from "next-auth/jwt";
import { bearerToken } from "@scrollintel/core/api-keys";
import type { Db } from "@scrollintel/core/db/client";
import { DomainError } from "@scrollintel/core/errors";
import { authenticateApiKey } from "@scrollintel/core/services/api-key-service";
import { authSecret } from "@/env";
import { tenantSlugFromCookies } from "@/server/auth/tenant-cookie";
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
  // handler on every call, and this is on every request's path.
  const token = await getToken({ req: { cookies: parseCookies(req), headers: {} } as never, secret: authSecret() });
  if (!token?.uid) return null;
  return { kind: "user", userId: String(token.uid), email: String(token.email), isPlatformAdmin: token.pa === true };
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
    ip: req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? req.headers.get("x-real-ip"),
    userAgent: req.headers.get("user-agent"),
    tenantSlug: slug,
  };
}
