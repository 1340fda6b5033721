// Demo data for a first run: one platform admin and two tenants, each with an
// owner and an analyst. Idempotent: running it again changes nothing.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { systemTx } from "@scrollintel/core/db/scoped";
import { hashPassword } from "@scrollintel/core/passwords";

export const DEMO_PASSWORD = "scrollintel";
const GB = 1024n ** 3n;

export const DEMO_USERS = [
  { email: "admin@scrollintel.test", name: "Platform Admin", platform: true, tenant: null, role: null },
  { email: "owner@acme.test", name: "Ada Acme", platform: false, tenant: "acme", role: "OWNER" },
  { email: "analyst@acme.test", name: "Alan Acme", platform: false, tenant: "acme", role: "ANALYST" },
  { email: "owner@globex.test", name: "Grace Globex", platform: false, tenant: "globex", role: "OWNER" },
  { email: "analyst@globex.test", name: "Gus Globex", platform: false, tenant: "globex", role: "ANALYST" },
] as const;

const TENANTS = [
  { slug: "acme", name: "Acme Analytics" },
  { slug: "globex", name: "Globex Research" },
];

export async function seedDemo(db: Db, quota: { storageBytes?: bigint; maxFileBytes?: bigint } = {}): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // As the platform (seeding crosses tenants), under the same row-level security as the app.
  await systemTx(db, async (tx) => {
    const tenantIds = new Map<string, string>();
    for (const t of TENANTS) {
      const row = await tx.tenant.upsert({ where: { slug: t.slug }, update: {}, create: t });
      tenantIds.set(t.slug, row.id);
      await tx.tenantQuota.upsert({
        where: { tenantId: row.id },
        update: {},
        create: {
          tenantId: row.id,
          storageBytesLimit: quota.storageBytes ?? 100n * GB,
          maxFileBytes: quota.maxFileBytes ?? 1024n * GB,
          ingestBytesMonthLimit: 1024n * GB,
          scanBytesMonthLimit: 10n * 1024n * GB,
        },
      });
    }
    for (const u of DEMO_USERS) {
      const user = await tx.user.upsert({
        where: { email: u.email },
        update: {},
        create: { email: u.email, name: u.name, passwordHash, isPlatformAdmin: u.platform },
      });
      if (u.tenant && u.role) {
        const tenantId = tenantIds.get(u.tenant)!;
        await tx.membership.upsert({
          where: { tenantId_userId: { tenantId, userId: user.id } },
          update: {},
          create: { tenantId, userId: user.id, role: u.role },
        });
      }
    }
  });
}

export function printDemoLogins(print: (line: string) => void): void {
  print(`Demo logins (password for all: ${DEMO_PASSWORD})`);
  for (const u of DEMO_USERS) {
    print(`  ${u.email.padEnd(24)} ${u.platform ? "platform admin" : `${u.role} of ${u.tenant}`}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must be set");
  const db = createDb(url);
  await seedDemo(db);
  printDemoLogins((l) => console.info(l));
  await db.$disconnect();
}
