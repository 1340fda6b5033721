import { getServerSession } from "next-auth";
import { bearerToken } from "@scrollintel/core/api-keys";
import type { Db } from "@scrollintel/core/db/client";
import { DomainError } from "@scrollintel/core/errors";
import { authenticateApiKey } from "@scrollintel/core/services/api-key-service";
import { authOptions } from "./auth-options";
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
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  return {
    kind: "user",
    userId: session.user.id,
    email: session.user.email,
    isPlatformAdmin: session.user.isPlatformAdmin,
  };
}

export function requestMeta(req: Request): { ip: string | null; userAgent: string | null; tenantSlug: string | null } {
  const cookie = req.headers.get("cookie") ?? "";
  const slug = /(?:^|;\s*)si_tenant=([a-z0-9-]{1,64})/.exec(cookie)?.[1] ?? null;
  return {
    ip: req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? req.headers.get("x-real-ip"),
    userAgent: req.headers.get("user-agent"),
    tenantSlug: slug,
  };
}
