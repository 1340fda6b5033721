// Row-level security, the second wall: even a query that forgets its tenant
// filter sees only the tenant its transaction is scoped to, and none without.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { recordAudit } from "../services/audit-service";
import { createUpload, finishUpload } from "../services/upload-service";
import { APP_ROLE, systemTx, tenantTx } from "./scoped";

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

  it("keeps the audit log append-only for the application", async () => {
    await recordAudit(t.db, { tenantId: a.tenantId, actor: { type: "USER", id: a.id }, action: "test.event" });
    await expect(tenantTx(t.db, a.tenantId, (tx) => tx.auditEvent.deleteMany({}))).rejects.toThrow(/permission denied/);
    await expect(
      tenantTx(t.db, a.tenantId, (tx) => tx.auditEvent.updateMany({ data: { action: "forged" } })),
    ).rejects.toThrow(/permission denied/);
  });
});
