// Row-level security, the second wall: even a query that forgets its tenant
// filter sees only the tenant its transaction is scoped to, and none without.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { ensureAuditPartitions, recordAudit } from "../services/audit-service";
import { createUpload, finishUpload } from "../services/upload-service";
import { APP_ROLE, systemTx, tenantTx } from "./scoped";
import { sqlSystemTx, sqlTenantTx } from "./sql";

let t: TestDb;
let a: TestUser;
let b: TestUser;
const TABLES = [
  "Tenant",
  "Membership",
  "TenantQuota",
  "ApiKey",
  "Invitation",
  "Upload",
  "Dataset",
  "DatasetVersion",
  "Job",
  "QueryRun",
  "AuditEvent",
  "UsageEvent",
  "UsageMonthly",
  "UsageDaily",
  "IngestReject",
  "SavedQuery",
  "QueryResultPage",
  "QueryExport",
];

beforeAll(async () => {
  t = await createTestDb();
  a = await createMember(t.db, await createTenant(t.db), "OWNER");
  b = await createMember(t.db, await createTenant(t.db), "OWNER");
  for (const u of [a, b]) {
    const up = await createUpload(t.db, ctxOf(u), { filename: "x.csv", sizeBytes: 3n });
    await finishUpload(t.db, ctxOf(u), { uploadId: up.uploadId, storedBytes: 3n });
  }
});
afterAll(() => t.drop());

async function countAll(setup: string): Promise<Record<string, number>> {
  return t.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(setup);
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const r = await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`);
      out[table] = Number(r[0]!.n);
    }
    return out;
  });
}

describe("row-level security", () => {
  it("shows nothing to the app role when no tenant is set", async () => {
    const counts = await countAll(`SET LOCAL ROLE ${APP_ROLE}`);
    expect(counts).toEqual(Object.fromEntries(TABLES.map((x) => [x, 0])));
  });

  it("shows one tenant's rows to a tenant transaction, even without a WHERE", async () => {
    const seen = await tenantTx(t.db, a.tenantId, async (tx) => ({
      datasets: await tx.dataset.findMany(),
      uploads: await tx.upload.findMany(),
      audit: await tx.auditEvent.findMany(),
    }));
    expect(seen.datasets.length).toBe(1);
    for (const rows of Object.values(seen)) for (const r of rows) expect(r.tenantId).toBe(a.tenantId);
  });

  it("refuses to write a row into another tenant", async () => {
    await expect(
      tenantTx(t.db, a.tenantId, (tx) =>
        tx.dataset.create({ data: { tenantId: b.tenantId, name: "planted", createdBy: a.id } }),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("lets platform work see every tenant", async () => {
    const n = await systemTx(t.db, (tx) => tx.dataset.count());
    expect(n).toBe(2);
  });

  it("keeps every audit partition out of the app role's reach, also after a second deploy", async () => {
    // What every later deploy (each `pnpm start`) does: prisma/migrate.ts grants the app role
    // on all tables (reading is what matters here), then ensures the partitions.
    await t.db.$executeRawUnsafe(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await ensureAuditPartitions(t.db);
    const parts = await t.db.$queryRawUnsafe<{ name: string; granted: boolean }[]>(
      `SELECT c.relname AS name, has_table_privilege('${APP_ROLE}', c.oid, 'SELECT,INSERT,UPDATE,DELETE') AS granted
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '"AuditEvent"'::regclass`,
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.filter((p) => p.granted)).toEqual([]);
    const month = parts.find((p) => p.name !== "AuditEvent_default")!.name;
    await expect(
      tenantTx(t.db, a.tenantId, (tx) => tx.$queryRawUnsafe(`SELECT count(*) FROM "${month}"`)),
    ).rejects.toThrow(/permission denied/);
  });

  it("keeps the audit log append-only for the application", async () => {
    await recordAudit(t.db, { tenantId: a.tenantId, actor: { type: "USER", id: a.id }, action: "test.event" });
    await expect(tenantTx(t.db, a.tenantId, (tx) => tx.auditEvent.deleteMany({}))).rejects.toThrow(/permission denied/);
    await expect(
      tenantTx(t.db, a.tenantId, (tx) => tx.auditEvent.updateMany({ data: { action: "forged" } })),
    ).rejects.toThrow(/permission denied/);
  });
});

// The plain-SQL transactions of the query path (db/sql.ts) must be the same wall.
describe("row-level security in plain SQL", () => {
  const datasetsOf = (rows: { tenantId: string }[]) => rows.map((r) => r.tenantId);

  it("shows one tenant's rows, even without a WHERE", async () => {
    const rows = await sqlTenantTx(t.db, a.tenantId, (sql) =>
      sql.query<{ tenantId: string }>(`SELECT "tenantId" FROM "Dataset" UNION ALL SELECT "tenantId" FROM "Upload"`),
    );
    expect(rows.length).toBe(2);
    expect(new Set(datasetsOf(rows))).toEqual(new Set([a.tenantId]));
  });

  it("runs as the app role, never as the connection's owner", async () => {
    const [r] = await sqlTenantTx(t.db, b.tenantId, (sql) =>
      sql.query<{ role: string; tenant: string }>(
        `SELECT current_user AS role, current_setting('app.tenant_id') AS tenant`,
      ),
    );
    expect(r).toEqual({ role: APP_ROLE, tenant: b.tenantId });
  });

  it("refuses to write a row into another tenant, and keeps nothing of the transaction", async () => {
    await expect(
      sqlTenantTx(t.db, a.tenantId, async (sql) => {
        await sql.query(
          `INSERT INTO "Dataset" (id, "tenantId", name, "createdBy", "updatedAt") VALUES ('ownrow1', $1, 'mine', $2, now())`,
          [a.tenantId, a.id],
        );
        await sql.query(
          `INSERT INTO "Dataset" (id, "tenantId", name, "createdBy", "updatedAt") VALUES ('planted1', $1, 'planted', $2, now())`,
          [b.tenantId, a.id],
        );
      }),
    ).rejects.toThrow(/row-level security/);
    expect(await systemTx(t.db, (tx) => tx.dataset.count({ where: { id: { in: ["ownrow1", "planted1"] } } }))).toBe(0);
  });

  it("takes only a server-made tenant id, since it is written into the opening statement", async () => {
    await expect(sqlTenantTx(t.db, "x', true), set_config('app.system', 'on", async () => 1)).rejects.toThrow(
      /malformed tenant id/,
    );
  });

  it("lets platform work see every tenant, and leaves no scope on the pooled connection", async () => {
    const rows = await sqlSystemTx(t.db, (sql) => sql.query<{ tenantId: string }>(`SELECT "tenantId" FROM "Dataset"`));
    expect(rows.length).toBe(2);
    const after = await t.db.$queryRawUnsafe<{ system: string | null }[]>(
      `SELECT current_setting('app.system', true) AS system`,
    );
    expect(after[0]!.system || null).toBeNull();
  });
});
