import { randomBytes } from "node:crypto";
import type { Db } from "@scrollintel/core/db/client";
import type { RoleName } from "@scrollintel/core/roles";
import type { TenantCtx } from "@scrollintel/core/tenant-context";

const GB = 1024n ** 3n;
// A real bcrypt hash of "secret-password", so sign-in tests can use it without paying for hashing each time.
export const PASSWORD = "secret-password";
const PASSWORD_HASH = "$2b$10$j1nPYUWEBSQmK.MvUchvo.nvH2h62ToZwdYUkF5HkAuXquQoXk4/K";

export interface TestUser {
  id: string;
  email: string;
  role: RoleName;
  tenantId: string;
  slug: string;
}

export async function createTenant(
  db: Db,
  opts: { slug?: string; storageBytes?: bigint; maxFileBytes?: bigint; suspended?: boolean } = {},
) {
  const slug = opts.slug ?? `t-${randomBytes(4).toString("hex")}`;
  const tenant = await db.tenant.create({
    data: { slug, name: `Tenant ${slug}`, status: opts.suspended ? "SUSPENDED" : "ACTIVE" },
  });
  await db.tenantQuota.create({
    data: {
      tenantId: tenant.id,
      storageBytesLimit: opts.storageBytes ?? 10n * GB,
      maxFileBytes: opts.maxFileBytes ?? 5n * GB,
      ingestBytesMonthLimit: 100n * GB,
      scanBytesMonthLimit: 100n * GB,
      // Tests queue many jobs no worker runs; the limit itself is tested on its own.
      concurrentJobsLimit: 1000,
    },
  });
  return tenant;
}

export async function createMember(db: Db, tenant: { id: string; slug: string }, role: RoleName): Promise<TestUser> {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}@${tenant.slug}.test`;
  const user = await db.user.create({
    data: { email, name: `${role} of ${tenant.slug}`, passwordHash: PASSWORD_HASH },
  });
  await db.membership.create({ data: { tenantId: tenant.id, userId: user.id, role } });
  return { id: user.id, email, role, tenantId: tenant.id, slug: tenant.slug };
}

export function ctxOf(u: TestUser, extra: Partial<TenantCtx> = {}): TenantCtx {
  return {
    tenantId: u.tenantId,
    role: u.role,
    actor: { type: "USER", id: u.id },
    suspended: false,
    scopes: null,
    ...extra,
  };
}
