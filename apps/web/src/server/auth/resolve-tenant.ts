import type { Db } from "@scrollintel/core/db/client";
import { apiKeyTenantCtx, enforceApiRateLimits } from "@scrollintel/core/services/api-key-service";
import { resolveUserTenant } from "@scrollintel/core/services/auth-service";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import type { Caller } from "@/server/trpc/context";

/**
 * The tenant context a request acts in: an API key's own tenant (after its
 * rate limits), or the signed-in user's chosen tenant if they are a member.
 * Shared by tRPC and the upload endpoint so both walls are the same wall.
 */
export async function resolveTenantCtx(
  db: Db,
  caller: Caller,
  meta: { ip: string | null; userAgent: string | null; tenantSlug: string | null },
): Promise<TenantCtx & { slug: string }> {
  if (caller.kind === "apiKey") {
    await enforceApiRateLimits(db, caller.key);
    return { ...apiKeyTenantCtx(caller.key, meta), slug: caller.key.tenantSlug };
  }
  // The membership resolveCaller read with the session row, when it was for this workspace: no second round trip.
  const found = caller.membership?.tenantSlug === meta.tenantSlug ? caller.membership : undefined;
  return resolveUserTenant(
    db,
    {
      userId: caller.userId,
      tenantSlug: meta.tenantSlug,
      actor: { type: "USER", id: caller.userId, ip: meta.ip, userAgent: meta.userAgent },
    },
    found,
  );
}
