// Upload -> ingest -> query with storage encryption on: every object at rest is
// ciphertext, the only decrypted copies are in the worker's per-tenant cache,
// eviction removes them, and a deleted tenant's copies are never served again.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { deleteTenant } from "@scrollintel/core/services/tenant-delete-service";
import { isEncrypted } from "@scrollintel/core/storage/encrypted-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { cacheRoot, evictCache, localPathFor } from "../local-path-for";
import { makeIngestTask } from "./ingest";
import { makePurgeTenantTask } from "./purge-tenant";
import { makeQueryTask } from "./query";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;
const MARKER = "Zanzibar-Marker-7731";
const CSV = ["id,city,amount", ...Array.from({ length: 200 }, (_, i) => `${i},${MARKER}-${i % 3},${i}.5`), ""].join(
  "\n",
);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STORAGE_ENCRYPTION: "on" });
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

async function query(sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(acme), { sql });
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
  return t.db.queryRun.findUniqueOrThrow({ where: { id } });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("encrypted pipeline", () => {
  let parts: string[] = [];

  it("ingests and queries, with only ciphertext in storage", async () => {
    expect(isEncrypted(deps.storage)).toBe(true);
    const up = await uploadFile(deps, ctxOf(acme), "places.csv", CSV);
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(200n);
    parts = v.files as string[];
    const r = await query("SELECT city, count(*) AS n FROM places GROUP BY city ORDER BY city");
    expect(r.status).toBe("SUCCEEDED");
    expect(r.previewRows).toEqual([0, 1, 2].map((i) => ({ city: `${MARKER}-${i}`, n: i === 2 ? "66" : "67" })));
    const stored = filesUnder(path.join(deps.config.dataDir, "storage"));
    expect(stored.length).toBeGreaterThanOrEqual(3); // upload, Parquet part, result
    for (const f of stored) {
      const bytes = fs.readFileSync(f);
      expect(bytes.subarray(0, 4).toString(), f).toBe("SIE1");
      expect(bytes.includes(Buffer.from(MARKER)), f).toBe(false);
      expect(bytes.includes(Buffer.from("PAR1")), f).toBe(false);
    }
  });

  it("keeps decrypted copies only in the tenant's cache, and eviction removes them", async () => {
    const cached = filesUnder(path.join(cacheRoot(deps.config), "tenants", acme.tenantId));
    expect(cached.length).toBeGreaterThan(0);
    expect(fs.readFileSync(cached[0]!).subarray(0, 4).toString()).toBe("PAR1");
    expect(await evictCache(cacheRoot(deps.config), 0, Date.now() + 3_600_000)).toBe(cached.length);
    expect(filesUnder(path.join(cacheRoot(deps.config), "tenants", acme.tenantId))).toEqual([]);
  });

  it("after the tenant is deleted, its cached copies are dropped and its objects cannot be read", async () => {
    const p = await localPathFor(deps, parts[0]!);
    expect(fs.existsSync(p)).toBe(true);
    const tenant = await t.db.tenant.findUniqueOrThrow({ where: { id: acme.tenantId } });
    await deleteTenant(t.db, { type: "USER", id: "admin" }, { tenantId: tenant.id, confirmSlug: tenant.slug });
    if (isEncrypted(deps.storage)) deps.storage.keyring.forget(tenant.id);
    await expect(localPathFor(deps, parts[0]!)).rejects.toThrow(/no data key/);
    expect(fs.existsSync(p)).toBe(false);
  });

  it("the purge-tenant job the deletion enqueued removes the tenant's remaining ciphertext", async () => {
    const job = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'purge-tenant' AND key = ${`purge-tenant:${acme.tenantId}`}`;
    expect(job[0]!.n).toBe(1n);
    expect(filesUnder(path.join(deps.config.dataDir, "storage", "tenants", acme.tenantId)).length).toBeGreaterThan(0);
    await runTask(makePurgeTenantTask(deps), { tenantId: acme.tenantId });
    expect(filesUnder(path.join(deps.config.dataDir, "storage", "tenants", acme.tenantId))).toEqual([]);
  });
});
