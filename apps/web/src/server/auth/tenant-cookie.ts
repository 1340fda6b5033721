/** The cookie holding a signed-in user's chosen workspace (a slug; membership is checked per request). */
const TENANT_COOKIE = "si_tenant";

export function setTenantCookie(headers: Headers, slug: string): void {
  headers.append("set-cookie", `${TENANT_COOKIE}=${slug}; Path=/; SameSite=Lax; HttpOnly; Max-Age=31536000`);
}

/** The chosen workspace's slug from a request's Cookie header, if it is a well-formed one. */
export function tenantSlugFromCookies(cookieHeader: string): string | null {
  return new RegExp(`(?:^|;\\s*)${TENANT_COOKIE}=([a-z0-9-]{1,64})`).exec(cookieHeader)?.[1] ?? null;
}
