import { API_KEY_SCOPES, generateApiKey, parseApiKey, scopePermissions, secretMatches } from "../api-keys";
import type { Db } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { requireGrantable, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { hitRateLimit } from "./rate-limit-service";

const PUBLIC_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  requestsPerMinute: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  expiresAt: true,
} as const;

const DAY_MS = 86_400_000;

/** Creates a key; the full secret is returned once and never stored. */
export async function createApiKey(
  db: Db,
  ctx: TenantCtx,
  input: { name: string; scopes: string[]; requestsPerMinute?: number; expiresInDays?: number | null },
) {
  requirePermission(ctx, "apikey.manage");
  const scopes = [...new Set(input.scopes)];
  if (!scopes.length || scopes.some((s) => !(API_KEY_SCOPES as readonly string[]).includes(s))) {
    throw new DomainError("BAD_REQUEST", `Scopes must be some of: ${API_KEY_SCOPES.join(", ")}.`);
  }
  // A key never carries more than its creator holds (a key with only the admin scope cannot mint a read key).
  for (const s of scopes) requireGrantable(ctx, scopePermissions([s]), `the ${s} scope`);
  const { key, prefix, secretHash } = generateApiKey();
  const row = await tenantTx(db, ctx.tenantId, async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        tenantId: ctx.tenantId,
        name: input.name.trim().slice(0, 100) || "API key",
        prefix,
        secretHash,
        scopes,
        requestsPerMinute: input.requestsPerMinute ?? 120,
        createdBy: ctx.actor.id,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
      },
      select: PUBLIC_FIELDS,
    });
    await appendAudit(
      tx,
      auditFromCtx(ctx, "apikey.create", created.id, {
        name: created.name,
        prefix,
        scopes,
        expiresAt: created.expiresAt?.toISOString() ?? null,
      }),
    );
    return created;
  });
  return { key, apiKey: row };
}

export async function findApiKeys(db: Db, ctx: TenantCtx) {
  requirePermission(ctx, "apikey.manage");
  return tenantTx(db, ctx.tenantId, (tx) =>
    tx.apiKey.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { createdAt: "desc" }, select: PUBLIC_FIELDS }),
  );
}

export async function revokeApiKey(db: Db, ctx: TenantCtx, id: string): Promise<void> {
  requirePermission(ctx, "apikey.manage");
  await tenantTx(db, ctx.tenantId, async (tx) => {
    const k = await tx.apiKey.findFirst({ where: { id, tenantId: ctx.tenantId } });
    if (!k) throw notFound("API key");
    if (k.revokedAt) return;
    await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAudit(tx, auditFromCtx(ctx, "apikey.revoke", id, { name: k.name, prefix: k.prefix }));
  });
}

export interface ApiKeyPrincipal {
  keyId: string;
  tenantId: string;
  tenantSlug: string;
  suspended: boolean;
  scopes: string[];
  requestsPerMinute: number;
  tenantRequestsPerMinute: number;
}

/**
 * The tenant and scopes of a presented key, or null for an unknown, wrong,
 * revoked or expired one. Records last use at most once a minute.
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<ApiKeyPrincipal | null> {
  const parsed = parseApiKey(presented);
  if (!parsed) return null;
  return systemTx(db, async (tx) => {
    const k = await tx.apiKey.findUnique({
      where: { prefix: parsed.prefix },
      include: { tenant: { include: { quota: true } } },
    });
    if (!k || k.revokedAt || !secretMatches(parsed.secret, k.secretHash)) return null;
    if (k.expiresAt && k.expiresAt.getTime() <= Date.now()) return null;
    await tx.$executeRaw`UPDATE "ApiKey" SET "lastUsedAt" = now()
      WHERE id = ${k.id} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() - interval '1 minute')`;
    return {
      keyId: k.id,
      tenantId: k.tenantId,
      tenantSlug: k.tenant.slug,
      suspended: k.tenant.status === "SUSPENDED",
      scopes: k.scopes,
      requestsPerMinute: k.requestsPerMinute,
      tenantRequestsPerMinute: k.tenant.quota?.apiRequestsPerMinute ?? 0,
    };
  });
}

/** Per-key and per-tenant request limits for API-key traffic (RATE_LIMITED with retryAfter). */
export async function enforceApiRateLimits(db: Db, p: ApiKeyPrincipal): Promise<void> {
  await hitRateLimit(db, `key:${p.keyId}`, p.requestsPerMinute);
  await hitRateLimit(db, `tenant:${p.tenantId}`, p.tenantRequestsPerMinute);
}

/** The context a key acts in: an ADMIN-strength principal narrowed to its scopes. */
export function apiKeyTenantCtx(
  p: ApiKeyPrincipal,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): TenantCtx {
  return {
    tenantId: p.tenantId,
    role: "ADMIN",
    actor: { type: "API_KEY", id: p.keyId, ip: meta.ip, userAgent: meta.userAgent },
    suspended: p.suspended,
    scopes: scopePermissions(p.scopes),
  };
}
