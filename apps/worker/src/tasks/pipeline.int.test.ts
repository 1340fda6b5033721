import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";
import { makeQueryTask } from "./query";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;
let globex: TestUser;

const CSV = ["id,city,amount,day", "1,Oslo,10.5,2024-01-01", "2,Lima,20,2024-01-02", "3,Oslo,5.25,2024-01-03", ""].join(
  "\n",
);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "ANALYST");
  globex = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

async function query(user: TestUser, sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(user), { sql });
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
  return t.db.queryRun.findUniqueOrThrow({ where: { id } });
}

describe("upload -> ingest -> query", () => {
  let datasetId = "";

  it("ingests a CSV into zstd Parquet and marks the dataset READY", async () => {
    const up = await uploadFile(deps, ctxOf(acme), "city sales.csv", CSV);
    datasetId = up.datasetId;
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId }, include: { dataset: true } });
    expect(v.status).toBe("READY");
    expect(v.dataset).toMatchObject({ status: "READY", readyVersion: 1, name: "city_sales" });
    expect(v.rowCount).toBe(3n);
    expect(v.columns).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "city", type: "VARCHAR" },
      { name: "amount", type: "DOUBLE" },
      { name: "day", type: "DATE" },
    ]);
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    const files = v.files as string[];
    expect(files[0]).toBe(`tenants/${acme.tenantId}/datasets/${datasetId}/v1/part-00000.parquet`);
    expect(await deps.storage.stat(files[0]!)).not.toBeNull();
    expect((v.preview as unknown[])[0]).toMatchObject({ city: "Oslo", amount: 10.5 });
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: v.id } });
    expect(job.status).toBe("SUCCEEDED");
    expect(await t.db.auditEvent.count({ where: { tenantId: acme.tenantId, action: "dataset.ready" } })).toBe(1);
  });

  it("runs the same ingest again without duplicating anything", async () => {
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
    await runTask(makeIngestTask(deps), { datasetVersionId: v.id });
    expect(await t.db.auditEvent.count({ where: { tenantId: acme.tenantId, action: "dataset.ready" } })).toBe(1);
  });

  it("answers SQL over the dataset by name", async () => {
    const r = await query(acme, "SELECT city, sum(amount) AS total FROM city_sales GROUP BY city ORDER BY city");
    expect(r.status).toBe("SUCCEEDED");
    expect(r.rowCount).toBe(2n);
    expect(r.previewRows).toEqual([
      { city: "Lima", total: 20 },
      { city: "Oslo", total: 15.75 },
    ]);
    expect(r.columns).toEqual([
      { name: "city", type: "VARCHAR" },
      { name: "total", type: "DOUBLE" },
    ]);
  });

  it("does not show acme's dataset to globex by name", async () => {
    const r = await query(globex, "SELECT * FROM city_sales");
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/Table city_sales does not exist/);
  });

  it("does not let globex read acme's Parquet by path", async () => {
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
    const file = deps.storage.localPath((v.files as string[])[0]!);
    const r = await query(globex, `SELECT * FROM read_parquet('${file}')`);
    expect(r.status).toBe("FAILED");
    // Refused by the allowlist; the sealed instance refuses it too (sandbox.test.ts).
    expect(r.error).toBe("Function read_parquet is not available in queries.");
  });

  it("refuses /etc/passwd and statements other than SELECT with a clear error", async () => {
    expect((await query(acme, "SELECT * FROM read_csv('/etc/passwd')")).error).toMatch(/read_csv is not available/);
    expect((await query(acme, "ATTACH '/tmp/x.duckdb'")).error).toMatch(/Only SELECT queries can run here/);
    expect((await query(acme, "SELECT 1; SELECT 2")).error).toMatch(/exactly one statement/);
  });

  it("fails a file that cannot be parsed with a message saying where", async () => {
    // Past the sniffer's sample, a value that does not fit the detected type.
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},${i * 2}`);
    const up = await uploadFile(deps, ctxOf(acme), "broken.csv", ["a,b", ...rows, "x,1", ""].join("\n"));
    await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId }, include: { dataset: true } });
    expect(v.status).toBe("FAILED");
    expect(v.dataset.status).toBe("FAILED");
    expect(v.error).toMatch(/^broken.csv, line 30002, column "a": Could not convert string "x" to .BIGINT./);
    expect(v.files).toEqual([]);
  });
});
