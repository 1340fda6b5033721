// Fair share with real worker processes: a tenant holds at most its
// TenantQuota.workerSlots worker slots, however many workers share the queue,
// while other tenants' jobs take the free ones; queued work knows its place.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantTx } from "@scrollintel/core/db/scoped";
import { jobKeys, readLanePositions, removeWaitingJob } from "@scrollintel/core/job-lanes";
import { cancelIngest } from "@scrollintel/core/services/dataset-version-service";
import { getDatasetById } from "@scrollintel/core/services/dataset-service";
import { cancelQueryRun, createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../test/factories";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { makeWorkerDeps, uploadFile, waitFor } from "../../../test/worker-harness";

const root = path.resolve(import.meta.dirname, "../../..");
// About 2.5 s of one core on a quiet machine (range(8000) took 0.3 s: a hog that fast finished runs
// while the victim's query was still being claimed), with no dataset.
const SLOW = "SELECT sum(a.range * b.range) AS s FROM range(20000) a, range(20000) b";
const SMALL = "SELECT 42 AS answer";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const p = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      DATA_DIR: deps.config.dataDir,
      WORKER_HEALTH_PORT: "0",
      WORKER_CONCURRENCY: "2",
      DUCKDB_MEMORY_LIMIT: "512MB",
      DUCKDB_THREADS: "1",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  workers.push(p);
  return p;
}

/** Worker slots each tenant holds right now, from graphile-worker's locks. */
async function runningByTenant(): Promise<Map<string, number>> {
  const rows = await t.db.$queryRaw<{ tenant: string; n: bigint }[]>`
    SELECT split_part(queue_name, ':', 2) AS tenant, count(*) AS n FROM graphile_worker.jobs
     WHERE locked_at IS NOT NULL AND queue_name LIKE 't:%' GROUP BY 1`;
  return new Map(rows.map((r) => [r.tenant, Number(r.n)]));
}

async function stopWorkers(): Promise<void> {
  for (const w of workers.splice(0)) {
    if (w.exitCode !== null) continue;
    w.kill("SIGTERM");
    await new Promise((r) => w.once("exit", r));
  }
}

async function statuses(user: TestUser, ids: string[]) {
  return Promise.all(ids.map((id) => getQueryRunById(t.db, ctxOf(user), id)));
}

async function queue(user: TestUser, sql: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await createQueryRun(t.db, ctxOf(user), { sql, useCache: false })).id);
  return ids;
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
});

// A failed test must not leave its workers taking the next test's jobs.
afterEach(stopWorkers);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  deps.cleanup();
  await t.drop();
});

describe("fair share of worker slots", () => {
  it("lets another tenant's small query through a saturating tenant, which never holds more than its share", async () => {
    const hog = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const victim = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const hogRuns = await queue(hog, SLOW, 4);
    const { versionId } = await uploadFile(deps, ctxOf(victim), "small.csv", "a,b\n1,2\n");
    const [small] = await queue(victim, SMALL, 1);

    // Before any worker runs: one lane each, in order; the victim's query (priority) before its ingest.
    expect((await statuses(hog, hogRuns)).map((r) => r.queuePosition)).toEqual([1, 2, 3, 4]);
    expect((await getQueryRunById(t.db, ctxOf(victim), small!)).queuePosition).toBe(1);
    const ds = await getDatasetById(
      t.db,
      ctxOf(victim),
      (await t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } })).datasetId,
    );
    expect(ds.versions.map((v) => [v.status, v.queuePosition])).toEqual([["QUEUED", 2]]);
    // The position function shows only the caller's tenant's lanes.
    const hogKey = [jobKeys.query(hogRuns[0]!)];
    expect((await tenantTx(t.db, victim.tenantId, (tx) => readLanePositions(tx, hogKey))).size).toBe(0);
    expect((await tenantTx(t.db, hog.tenantId, (tx) => readLanePositions(tx, hogKey))).get(hogKey[0]!)).toBe(1);

    startWorker();
    let maxHog = 0;
    const smallDone = await waitFor("the victim's query", 60_000, async () => {
      maxHog = Math.max(maxHog, (await runningByTenant()).get(hog.tenantId) ?? 0);
      const r = await getQueryRunById(t.db, ctxOf(victim), small!);
      return r.status === "SUCCEEDED" ? r : null;
    });
    expect(smallDone.previewRows).toEqual([{ answer: 42 }]);
    // The victim did not wait for the hog: at least half of the hog's runs (one slot, run after run) are
    // still to finish, and at least one of them has not started.
    const hogNow = await statuses(hog, hogRuns);
    expect(hogNow.filter((r) => r.status !== "SUCCEEDED").length).toBeGreaterThanOrEqual(2);
    expect(hogNow.filter((r) => r.status === "QUEUED").length).toBeGreaterThanOrEqual(1);
    // Places count only the waiting: the first waiting run is next. A run a worker is claiming at this very
    // moment is still QUEUED in its row but no longer in the lane (no place): it is not counted.
    const waiting = hogNow
      .filter((r) => r.status === "QUEUED")
      .map((r) => r.queuePosition)
      .filter((p) => p !== null);
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(waiting).toEqual(waiting.map((_, i) => i + 1));

    await waitFor("the hog's runs", 120_000, async () => {
      maxHog = Math.max(maxHog, (await runningByTenant()).get(hog.tenantId) ?? 0);
      const rs = await statuses(hog, hogRuns);
      const running = rs.filter((r) => r.status === "RUNNING").length;
      maxHog = Math.max(maxHog, running);
      return rs.every((r) => r.status === "SUCCEEDED");
    });
    expect(maxHog).toBe(1);
  }, 180_000);

  it("moves queued ingests up when one before them is cancelled, and shows no other tenant's lanes", async () => {
    const user = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const other = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const a = await uploadFile(deps, ctxOf(user), "a.csv", "x\n1\n");
    const b = await uploadFile(deps, ctxOf(user), "b.csv", "x\n2\n");
    const placeOf = async (datasetId: string) =>
      (await getDatasetById(t.db, ctxOf(user), datasetId)).versions.map((v) => [v.status, v.queuePosition]);
    expect(await placeOf(a.datasetId)).toEqual([["QUEUED", 1]]);
    expect(await placeOf(b.datasetId)).toEqual([["QUEUED", 2]]);
    const keys = [jobKeys.ingest(a.versionId), jobKeys.ingest(b.versionId)];
    expect((await tenantTx(t.db, other.tenantId, (tx) => readLanePositions(tx, keys))).size).toBe(0);

    await cancelIngest(t.db, ctxOf(user), a.versionId);
    expect(await placeOf(a.datasetId)).toEqual([["CANCELLED", null]]);
    expect(await placeOf(b.datasetId)).toEqual([["QUEUED", 1]]);
    // Another tenant cannot take a job out of this tenant's lane.
    await tenantTx(t.db, other.tenantId, (tx) => removeWaitingJob(tx, keys[1]!));
    expect(await placeOf(b.datasetId)).toEqual([["QUEUED", 1]]);
  });

  it("gives a tenant with two slots two, also across two worker processes", async () => {
    const big = await createTenant(t.db);
    await t.db.tenantQuota.update({ where: { tenantId: big.id }, data: { workerSlots: 2 } });
    const user = await createMember(t.db, big, "ANALYST");
    const runs = await queue(user, SLOW, 5);
    // Each new job joins the least loaded lane: 0, 1, 0, 1, 0.
    expect((await statuses(user, runs)).map((r) => r.queuePosition)).toEqual([1, 1, 2, 2, 3]);
    // A cancelled waiting run leaves its lane: those behind it move up.
    await cancelQueryRun(t.db, ctxOf(user), runs[0]!);
    expect((await statuses(user, runs)).map((r) => [r.status, r.queuePosition])).toEqual([
      ["CANCELLED", null],
      ["QUEUED", 1],
      ["QUEUED", 1],
      ["QUEUED", 2],
      ["QUEUED", 2],
    ]);
    const live = runs.slice(1);
    startWorker();
    startWorker(); // two processes: 4 slots in all
    let max = 0;
    await waitFor("the runs", 240_000, async () => {
      max = Math.max(max, (await runningByTenant()).get(big.id) ?? 0);
      const rs = await statuses(user, live);
      max = Math.max(max, rs.filter((r) => r.status === "RUNNING").length);
      return rs.every((r) => r.status === "SUCCEEDED");
    });
    expect(max).toBe(2);
  }, 300_000);
});
