import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultKey } from "@scrollintel/core/keys";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { getResultPage, RESULT_PAGE_ROWS } from "@scrollintel/core/services/result-page-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import { CELL_CHARS, CELL_ITEMS, CUT_MARK } from "../duck/cut-cells";
import type { EnginePool } from "../engine/engine-pool";
import { makeEnginePool, makeQueryTask } from "./query";
import { makeQueryPageTask } from "./query-page";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let engines: EnginePool;
let u: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  const base = makeWorkerDeps(t.db);
  engines = makeEnginePool(base, 60_000);
  deps = { ...base, engines };
  u = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  await engines.close();
  deps.cleanup();
  await t.drop();
});

async function runQuery(sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(u), { sql, useCache: false });
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
  return getQueryRunById(t.db, ctxOf(u), id);
}

async function setQuota(data: Record<string, bigint | number>) {
  await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data });
}

async function storageUsed() {
  return (await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } })).storageBytesUsed;
}

async function stored(id: string) {
  return (await deps.storage.stat(resultKey(u.tenantId, id))) !== null;
}

const cut = (n: number) => n === CELL_CHARS + CUT_MARK.length;

describe("huge cells", () => {
  it("stores the run with long text, JSON, blob and list cells cut in the preview", async () => {
    const r = await runQuery(
      `SELECT repeat(chr(1), 1000000) AS s, to_json(repeat('x', 100000)) AS j, repeat('ab', 50000)::BLOB AS b,
              range(10000) AS l, 'short' AS k
         FROM range(100)`,
    );
    expect(r).toMatchObject({ status: "SUCCEEDED", rowCount: 100n });
    const rows = r.previewRows as Record<string, unknown>[];
    expect(rows).toHaveLength(100);
    const row = rows[0]!;
    expect(cut((row.s as string).length) && (row.s as string).endsWith(CUT_MARK)).toBe(true);
    expect((row.j as string).endsWith(CUT_MARK)).toBe(true);
    expect((row.b as string).length).toBeLessThanOrEqual(CELL_CHARS + 1);
    expect(row.l).toHaveLength(CELL_ITEMS + 1);
    expect(row.k).toBe("short");
    // The stored result keeps the whole values.
    expect(r.resultBytes).toBeGreaterThan(0n);
  }, 120_000);

  it("keeps the preview within its byte bound: the grid reads the other rows in pages", async () => {
    const r = await runQuery(`SELECT range AS n, repeat(chr(1), 10000) AS s FROM range(${RESULT_PAGE_ROWS * 2})`);
    expect(r.status).toBe("SUCCEEDED");
    const preview = r.previewRows as unknown[];
    expect(preview.length).toBeGreaterThan(0);
    expect(preview.length).toBeLessThan(RESULT_PAGE_ROWS * 2);
    expect(Buffer.byteLength(JSON.stringify(preview))).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("serves grid pages of huge cells, cut the same way", async () => {
    const r = await runQuery("SELECT range AS n, repeat(chr(1), 1000000) AS s FROM range(50)");
    const ask = () =>
      getResultPage(t.db, ctxOf(u), { id: r.id, page: 0, sort: { column: "n", desc: true }, waitMs: 0 });
    expect((await ask()).status).toBe("PENDING");
    for (const p of await t.db.queryResultPage.findMany({ where: { status: "QUEUED" } }))
      await runTask(makeQueryPageTask(deps), { pageId: p.id });
    const page = await ask();
    expect(page.status).toBe("READY");
    expect(page.rows).toHaveLength(50);
    expect(page.rows[0]!.n).toBe("49");
    expect(cut((page.rows[0]!.s as string).length)).toBe(true);
  }, 120_000);
});

describe("result and spill caps of the plan", () => {
  it("refuses a result over the row limit, naming it, and stores nothing", async () => {
    await setQuota({ resultRowsLimit: 1000n });
    const used = await storageUsed();
    expect(await runQuery("SELECT range FROM range(1000)")).toMatchObject({ status: "SUCCEEDED", rowCount: 1000n });
    const after = await storageUsed();
    const over = await runQuery("SELECT range FROM range(1001)");
    expect(over).toMatchObject({ status: "FAILED", resultBytes: null });
    expect(over.error).toBe(
      "The result has more than 1000 rows, the result row limit of this workspace's plan. Aggregate or add a LIMIT.",
    );
    expect(await stored(over.id)).toBe(false);
    expect(await storageUsed()).toBe(after);
    expect(after).toBeGreaterThan(used);
    await setQuota({ resultRowsLimit: 50_000_000n });
  });

  it("refuses a result over the byte limit, naming it, and stores nothing", async () => {
    await setQuota({ resultBytesLimit: 100n * 1024n });
    const used = await storageUsed();
    const over = await runQuery("SELECT md5(range::VARCHAR) AS h FROM range(200000)");
    expect(over).toMatchObject({
      status: "FAILED",
      error:
        "The result is larger than 100.0 KiB, the result size limit of this workspace's plan. Aggregate or add a LIMIT.",
    });
    expect(await stored(over.id)).toBe(false);
    expect(await storageUsed()).toBe(used);
    await setQuota({ resultBytesLimit: 2n * 1024n ** 3n });
  });

  it("stops a sort that spills past the plan's spill limit, naming it", async () => {
    await setQuota({ querySpillBytesLimit: 1024n * 1024n, queryMemoryLimitMb: 64 });
    const r = await runQuery("SELECT range AS r, md5(range::VARCHAR) AS m FROM range(3000000) ORDER BY m");
    expect(r).toMatchObject({
      status: "FAILED",
      error: "The query needed more than 1.0 MiB of temporary disk space, the spill limit of this workspace's plan.",
    });
    await setQuota({ querySpillBytesLimit: 10n * 1024n ** 3n, queryMemoryLimitMb: 1024 });
    expect((await runQuery("SELECT count(*) AS n FROM range(10)")).status).toBe("SUCCEEDED");
  }, 120_000);

  it("counts a stored result against the tenant's storage", async () => {
    const used = await storageUsed();
    const r = await runQuery("SELECT range AS n, md5(range::VARCHAR) AS h FROM range(20000)");
    expect(r.status).toBe("SUCCEEDED");
    expect(r.resultBytes).toBeGreaterThan(0n);
    expect(await storageUsed()).toBe(used + r.resultBytes!);
    expect(await stored(r.id)).toBe(true);
  });
});

describe("a run always ends", () => {
  it("stores a preview with NUL characters PostgreSQL's jsonb refuses", async () => {
    const r = await runQuery(`SELECT 'a' || chr(0) || 'b' AS z`);
    expect(r).toMatchObject({ status: "SUCCEEDED", previewRows: [{ z: "a\uFFFDb" }] });
  });

  it("ends FAILED with a message when storing the result fails after the statement", async () => {
    const storage = Object.create(deps.storage) as typeof deps.storage;
    storage.put = () => Promise.reject(new Error("storage is unreachable"));
    const { id } = await createQueryRun(t.db, ctxOf(u), { sql: "SELECT 1 AS one", useCache: false });
    await runTask(makeQueryTask({ ...deps, storage }), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    expect(await getQueryRunById(t.db, ctxOf(u), id)).toMatchObject({
      status: "FAILED",
      error: "Could not run this query: storage is unreachable",
    });
    expect((await t.db.job.findFirstOrThrow({ where: { targetId: id } })).status).toBe("FAILED");
  });
});
