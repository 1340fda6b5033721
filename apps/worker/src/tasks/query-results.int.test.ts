import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotifyListener } from "@scrollintel/core/db/notify-listener";
import { QUERY_CANCEL_CHANNEL } from "@scrollintel/core/jobs";
import { getExportDownload, requestExport } from "@scrollintel/core/services/query-export-service";
import { cancelQueryRun, createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { getResultChart } from "@scrollintel/core/services/result-chart-service";
import { getResultPage, RESULT_PAGE_ROWS, type ResultSort } from "@scrollintel/core/services/result-page-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import type { EnginePool } from "../engine/engine-pool";
import { makeEnginePool, makeQueryTask } from "./query";
import { makeQueryExportTask } from "./query-export";
import { makeQueryPageTask } from "./query-page";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let cancels: NotifyListener;
let engines: EnginePool;
let u: TestUser;
const ROWS = 1234;

beforeAll(async () => {
  t = await createTestDb();
  cancels = new NotifyListener(t.url, QUERY_CANCEL_CHANNEL);
  await cancels.ready();
  const base = makeWorkerDeps(t.db, { QUERY_PREVIEW_ROWS: "100" });
  // The production path: an engine process per tenant, its sealed instance kept warm between queries.
  engines = makeEnginePool(base, 60_000);
  deps = { ...base, cancels, engines };
  u = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  await cancels.close();
  await engines.close();
  deps.cleanup();
  await t.drop();
});

async function runQuery(sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(u), { sql, useCache: false });
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
  return getQueryRunById(t.db, ctxOf(u), id);
}

/** What query.page does, with the worker's query-page job run inline when one is needed. */
async function page(id: string, n: number, sort: ResultSort | null = null) {
  const first = await getResultPage(t.db, ctxOf(u), { id, page: n, sort, waitMs: 0 });
  if (first.status === "READY") return { ...first, fromWorker: false };
  const pending = await t.db.queryResultPage.findMany({ where: { status: "QUEUED" } });
  for (const p of pending) await runTask(makeQueryPageTask(deps), { pageId: p.id });
  return { ...(await getResultPage(t.db, ctxOf(u), { id, page: n, sort, waitMs: 0 })), fromWorker: true };
}

describe("result pages", () => {
  let id = "";
  beforeAll(async () => {
    const r = await runQuery(`SELECT range AS n, (range % 3)::INT AS k FROM range(${ROWS}) ORDER BY n`);
    expect(r).toMatchObject({ status: "SUCCEEDED", rowCount: BigInt(ROWS) });
    expect(r.previewRows).toHaveLength(100);
    id = r.id;
  });

  it("pages through every row of the result, past the preview", async () => {
    const seen: number[] = [];
    for (let n = 0; n * RESULT_PAGE_ROWS < ROWS; n++) {
      const p = await page(id, n);
      expect(p).toMatchObject({ status: "READY", fromWorker: true, rowCount: BigInt(ROWS) });
      seen.push(...p.rows.map((r) => Number(r.n)));
    }
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect((await page(id, 3)).rows).toEqual([]);
  });

  it("sorts by a column on the worker, with stable pages", async () => {
    const desc = await page(id, 0, { column: "n", desc: true });
    // BIGINT comes as a string in JSON, so no precision is lost on the way to the browser.
    expect(desc.rows.slice(0, 3).map((r) => r.n)).toEqual(["1233", "1232", "1231"]);
    const byK: number[] = [];
    for (let n = 0; n * RESULT_PAGE_ROWS < ROWS; n++)
      byK.push(...(await page(id, n, { column: "k", desc: false })).rows.map((r) => Number(r.n)));
    expect(new Set(byK).size).toBe(ROWS);
    expect(byK.slice(0, 3)).toEqual([0, 3, 6]);
  });

  it("serves a page it has read before without the worker", async () => {
    expect((await page(id, 1, { column: "n", desc: true })).fromWorker).toBe(true);
    expect((await page(id, 1, { column: "n", desc: true })).fromWorker).toBe(false);
  });

  it("charts every row of the result on the worker, not just the preview, and keeps the answer", async () => {
    const chart = (x: string, y: string[]) => getResultChart(t.db, ctxOf(u), { id, x, y, series: "k", waitMs: 0 });
    expect(await chart("n", ["n"])).toEqual({ status: "PENDING", rows: [] });
    const pending = await t.db.queryResultPage.findMany({ where: { status: "QUEUED" } });
    for (const p of pending) await runTask(makeQueryPageTask(deps), { pageId: p.id });
    const ready = await chart("n", ["n"]);
    expect(ready.status).toBe("READY");
    expect(ready.rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(ROWS);
    expect(Math.max(...ready.rows.map((r) => Number(r.y0_max)))).toBe(ROWS - 1);
    expect(new Set(ready.rows.map((r) => r.s))).toEqual(new Set(["0", "1", "2"]));
    await expect(chart("n", ["nope"])).rejects.toThrow(/^y: the result has no column nope/);
  });

  it("refuses a sort column the result does not have", async () => {
    await expect(page(id, 0, { column: "nope", desc: false })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("exports the full result as CSV through the worker, and Parquet as stored", async () => {
    const pending = await requestExport(t.db, ctxOf(u), { id, format: "csv", waitMs: 0 });
    expect(pending.status).toBe("PENDING");
    const exp = await t.db.queryExport.findFirstOrThrow({ where: { queryRunId: id } });
    await runTask(makeQueryExportTask(deps), { exportId: exp.id });
    const ready = await requestExport(t.db, ctxOf(u), { id, format: "csv", waitMs: 0 });
    expect(ready).toEqual({ status: "READY", url: `/api/queries/${id}/download?format=csv`, error: null });
    const csv = await getExportDownload(t.db, ctxOf(u), { id, format: "csv" });
    const lines = (await text(await deps.storage.get(csv.key))).trim().split("\n");
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines.slice(0, 3)).toEqual(["n,k", "0,0", "1,1"]);
    const pq = await getExportDownload(t.db, ctxOf(u), { id, format: "parquet" });
    expect(pq.key).toBe(`tenants/${u.tenantId}/results/${id}.parquet`);
    // Both downloads are audited, Parquet as well as CSV.
    const downloads = await t.db.auditEvent.findMany({ where: { tenantId: u.tenantId, action: "query.download" } });
    expect(downloads.map((e) => (e.metadata as { format: string }).format).sort()).toEqual(["csv", "parquet"]);
  });

  it("writes CSV exports spreadsheet-safe: formula-like text gets an apostrophe, numbers stay numbers", async () => {
    const r = await runQuery(
      `SELECT * FROM (VALUES ('=HYPERLINK("http://evil.example","x")', -5), ('+1', 1), ('@a', 2), ('-2+3', 3), ('ok', 4)) v(s, n)`,
    );
    expect(r.status).toBe("SUCCEEDED");
    await requestExport(t.db, ctxOf(u), { id: r.id, format: "csv", waitMs: 0 });
    const exp = await t.db.queryExport.findFirstOrThrow({ where: { queryRunId: r.id } });
    await runTask(makeQueryExportTask(deps), { exportId: exp.id });
    const csv = await getExportDownload(t.db, ctxOf(u), { id: r.id, format: "csv" });
    const lines = (await text(await deps.storage.get(csv.key))).trim().split("\n");
    expect(lines).toEqual([
      "s,n",
      `"'=HYPERLINK(""http://evil.example"",""x"")",-5`,
      "'+1,1",
      "'@a,2",
      "'-2+3,3",
      "ok,4",
    ]);
  });
});

describe("sandbox refusals", () => {
  it("are audited in the tenant as the query's author; a plain syntax error is not", async () => {
    const before = await t.db.auditEvent.count({ where: { tenantId: u.tenantId, action: "refusal.forbidden" } });
    const files = await runQuery("SELECT * FROM read_csv('/etc/passwd')");
    const copy = await runQuery("COPY (SELECT 1) TO '/tmp/x.csv'");
    const typo = await runQuery("SELEC 1");
    expect([files.status, copy.status, typo.status]).toEqual(["FAILED", "FAILED", "FAILED"]);
    const events = await t.db.auditEvent.findMany({
      where: { tenantId: u.tenantId, action: "refusal.forbidden" },
      orderBy: { seq: "asc" },
      skip: before,
    });
    expect(events.map((e) => [e.actorId, (e.metadata as { attempted: string }).attempted])).toEqual([
      [u.id, "query.sandbox"],
      [u.id, "query.sandbox"],
    ]);
  });
});

describe("limits and cancelling", () => {
  const SLOW = "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b";

  it("keeps the tenant's sealed instance warm between queries, and opens a new one for a new plan", async () => {
    const before = engines.opened;
    expect(before).toBeGreaterThan(0);
    await runQuery("SELECT 1 AS a");
    await runQuery("SELECT 2 AS b");
    expect(engines.opened).toBe(before);
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryMemoryLimitMb: 512 } });
    expect((await runQuery("SELECT 3 AS c")).status).toBe("SUCCEEDED");
    expect(engines.opened).toBe(before + 1);
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryMemoryLimitMb: 1024 } });
  });

  it("stops a query at the time limit of the tenant's plan", async () => {
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryTimeoutMs: 200 } });
    const r = await runQuery(SLOW);
    expect(r.status).toBe("FAILED");
    expect(r.error).toBe("Query stopped after 200 ms, the time limit of this workspace's plan.");
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryTimeoutMs: 30_000 } });
  });

  it("runs DuckDB under the memory limit of the tenant's plan", async () => {
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryMemoryLimitMb: 32 } });
    const r = await runQuery("SELECT list(range) AS l FROM range(30000000)");
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/Out of Memory Error.*\/32\.0 MiB used/);
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { queryMemoryLimitMb: 1024 } });
  });

  it("cancels a queued query before it runs", async () => {
    const { id } = await createQueryRun(t.db, ctxOf(u), { sql: "SELECT 42", useCache: false });
    expect(await cancelQueryRun(t.db, ctxOf(u), id)).toEqual({ status: "CANCELLED" });
    await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    expect(await getQueryRunById(t.db, ctxOf(u), id)).toMatchObject({ status: "CANCELLED", previewRows: [] });
  });

  it("interrupts a running query when its owner cancels it", async () => {
    const { id } = await createQueryRun(t.db, ctxOf(u), { sql: SLOW, useCache: false });
    const task = runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    while ((await t.db.queryRun.findUniqueOrThrow({ where: { id } })).status === "QUEUED") {
      await new Promise((r) => setTimeout(r, 20));
    }
    await cancelQueryRun(t.db, ctxOf(u), id);
    await task;
    const r = await t.db.queryRun.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ status: "CANCELLED", error: "Cancelled." });
    expect(r.durationMs).not.toBeNull();
    const job = await t.db.job.findFirstOrThrow({ where: { targetId: id } });
    expect(job.status).toBe("CANCELLED");
  });

  it("lets a colleague stop a query, and the audit trail says who", async () => {
    const other = await createMember(t.db, { id: u.tenantId, slug: u.slug }, "ANALYST");
    const { id } = await createQueryRun(t.db, ctxOf(u), { sql: "SELECT 43", useCache: false });
    expect(await cancelQueryRun(t.db, ctxOf(other), id)).toEqual({ status: "CANCELLED" });
    const ev = await t.db.auditEvent.findFirstOrThrow({ where: { action: "query.cancel", target: id } });
    expect(ev).toMatchObject({ actorId: other.id, metadata: { ranBy: u.id } });
  });
});
