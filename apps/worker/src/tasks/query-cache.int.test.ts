import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthKey } from "@scrollintel/core/quota";
import { createQueryRun, findQueryRuns, getQueryRunById } from "@scrollintel/core/services/query-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";
import { makeQueryTask } from "./query";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;
let acme2: TestUser;
let globex: TestUser;
let datasetId = "";

const SQL = "SELECT city, sum(amount) AS total FROM sales GROUP BY city ORDER BY city";

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  const a = await createTenant(t.db, { slug: "acme" });
  acme = await createMember(t.db, a, "ANALYST");
  acme2 = await createMember(t.db, a, "ANALYST");
  globex = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "ANALYST");
  const up = await uploadFile(deps, ctxOf(acme), "sales.csv", "city,amount\nOslo,10\nLima,20\nOslo,5\n");
  datasetId = up.datasetId;
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  await uploadFile(deps, ctxOf(globex), "sales.csv", "city,amount\nRome,1\n").then((g) =>
    runTask(makeIngestTask(deps), { datasetVersionId: g.versionId }),
  );
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

/** What query.run does, with the worker's part run inline. */
async function run(user: TestUser, sql: string, useCache = true) {
  const { id, cached: hit } = await createQueryRun(t.db, ctxOf(user), { sql, useCache });
  const cached = hit !== null;
  if (!cached) {
    const job = await t.db.$queryRaw<{ payload: unknown }[]>`
      SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
    await runTask(makeQueryTask(deps), job[0]!.payload, { attempts: 1, max_attempts: 1 });
  }
  return { cached, direct: hit, run: await getQueryRunById(t.db, ctxOf(user), id) };
}

async function storedBytesOf(id: string) {
  const d = await t.db.dataset.findUniqueOrThrow({ where: { id }, include: { versions: true } });
  return d.versions.find((v) => v.version === d.readyVersion)!.storedBytes;
}

describe("result cache and metering", () => {
  let first = "";

  it("runs a query in the sandbox and meters bytes scanned, time and count", async () => {
    const { cached, run: r } = await run(acme, SQL);
    first = r.id;
    expect(cached).toBe(false);
    expect(r.status).toBe("SUCCEEDED");
    // The engine's own time is part of the run's time in the sandbox.
    expect(r.engineMs).toEqual(expect.any(Number));
    expect(r.engineMs!).toBeLessThanOrEqual(r.durationMs!);
    expect(r.previewRows).toEqual([
      { city: "Lima", total: 20 },
      { city: "Oslo", total: 15 },
    ]);
    const stored = await storedBytesOf(datasetId);
    expect(stored).toBeGreaterThan(0n);
    expect(r.scanBytes).toBe(stored);
    const m = await t.db.usageMonthly.findUniqueOrThrow({
      where: { tenantId_month: { tenantId: acme.tenantId, month: monthKey() } },
    });
    expect(m).toMatchObject({ scanBytes: stored, queries: 1 });
    expect(await t.db.usageEvent.count({ where: { tenantId: acme.tenantId, kind: "QUERY_MS", ref: r.id } })).toBe(1);
  });

  it("answers the same SQL again from the cache, also for another member, without scanning", async () => {
    for (const user of [acme, acme2]) {
      const { cached, direct, run: r } = await run(user, `${SQL.replace(" GROUP", "\n  GROUP")} ;`);
      expect(cached).toBe(true);
      expect(direct).toEqual(r); // what query.run returns on a hit, without reading the run again
      expect(r).toMatchObject({
        status: "SUCCEEDED",
        cachedFromId: first,
        scanBytes: 0n,
        rowCount: 2n,
        engineMs: null,
      });
      expect(r.previewRows).toEqual([
        { city: "Lima", total: 20 },
        { city: "Oslo", total: 15 },
      ]);
    }
    const m = await t.db.usageMonthly.findUniqueOrThrow({
      where: { tenantId_month: { tenantId: acme.tenantId, month: monthKey() } },
    });
    expect(m).toMatchObject({ scanBytes: await storedBytesOf(datasetId), queries: 3 });
  });

  it("never answers another tenant from acme's cache", async () => {
    const { cached, run: r } = await run(globex, SQL);
    expect(cached).toBe(false);
    expect(r.previewRows).toEqual([{ city: "Rome", total: 1 }]);
  });

  it("runs afresh when asked to skip the cache", async () => {
    const { cached, run: r } = await run(acme, SQL, false);
    expect(cached).toBe(false);
    expect(r.cachedFromId).toBeNull();
  });

  it("misses after a new version of the dataset becomes READY", async () => {
    const body = Buffer.from("city,amount\nOslo,1\n");
    const up = await createUpload(t.db, ctxOf(acme), { filename: "sales.csv", sizeBytes: BigInt(body.length) });
    await deps.storage.put(up.storageKey, Readable.from([body]));
    const other = await finishUpload(t.db, ctxOf(acme), { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
    await t.db.dataset.delete({ where: { id: other.datasetId } });
    const v2 = await t.db.datasetVersion.create({
      data: { tenantId: acme.tenantId, datasetId, version: 2, uploadId: up.uploadId, sourceBytes: BigInt(body.length) },
    });
    await runTask(makeIngestTask(deps), { datasetVersionId: v2.id });
    const { cached, run: r } = await run(acme, SQL);
    expect(cached).toBe(false);
    expect(r.previewRows).toEqual([{ city: "Oslo", total: 1 }]);
    expect((await run(acme2, SQL)).cached).toBe(true);
  });

  it("keeps each user's history, a page at a time", async () => {
    const page1 = await findQueryRuns(t.db, ctxOf(acme), { limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBe(page1.items[1]!.id);
    const page2 = await findQueryRuns(t.db, ctxOf(acme), { limit: 10, cursor: page1.nextCursor });
    expect(page2.items.map((r) => r.id)).not.toContain(page1.items[0]!.id);
    expect(page1.items.length + page2.items.length).toBe(4);
    const other = await findQueryRuns(t.db, ctxOf(acme2), { limit: 10 });
    expect(other.items.every((r) => r.cached)).toBe(true);
  });

  it("refuses new scans once the monthly scan quota is used up, but still serves the cache", async () => {
    await t.db.tenantQuota.update({ where: { tenantId: acme.tenantId }, data: { scanBytesMonthLimit: 1n } });
    await expect(createQueryRun(t.db, ctxOf(acme), { sql: "SELECT count(*) FROM sales" })).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringMatching(/monthly scan quota is used up/),
    });
    expect((await run(acme, SQL)).cached).toBe(true);
  });
});
