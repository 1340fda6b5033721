// A streaming dataset's event-time column: compaction and merges write parts
// sorted by it, so a time-range predicate overlaps fewer row groups' min/max
// (what DuckDB's Parquet reader skips by) than parts in arrival order; the
// setting is checked against the dataset's columns and scoped to the tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStreamEventTime } from "@scrollintel/core/services/stream-layout-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, sendEvents } from "../../../../test/worker-harness";
import { closeDuck, lit, openDuck } from "../duck/open-duck";
import { localPathFor } from "../local-path-for";
import { makeStreamCompactTask } from "./stream-compact";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;
let globex: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STREAM_COMPACT_AGE_MS: "1" });
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "ANALYST");
  globex = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

async function send(name: string, lines: Iterable<string>) {
  return (await sendEvents(deps, acme, name, lines)).datasetId;
}

/** Records whose event times `t` are a fixed shuffle of from..from+n-1 (7919 is prime to every n used here). */
function* shuffled(from: number, n: number) {
  for (let i = 0; i < n; i++) yield `{"t":${from + ((i * 7919) % n)},"k":${i},"ok":true}`;
}

async function parts(datasetId: string, merge = 16) {
  const config = { ...deps.config, STREAM_MERGE_PARTS: merge };
  await runTask(makeStreamCompactTask({ ...deps, config }), { datasetId });
  const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } });
  return Promise.all((v.files as string[]).map((k) => localPathFor(deps, k)));
}

async function withDuck<T>(fn: (d: Awaited<ReturnType<typeof openDuck>>) => Promise<T>): Promise<T> {
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: `${deps.config.dataDir}/spill` });
  try {
    return await fn(d);
  } finally {
    closeDuck(d);
  }
}

/** Whether the file's rows are in non-decreasing `t` (its stored order, by file_row_number). */
async function isSortedByT(file: string) {
  return withDuck(async ({ conn }) => {
    const r = await conn.runAndReadAll(
      `SELECT count(*) FILTER (WHERE t < prev)::INT AS out_of_order, count(*)::INT AS n
         FROM (SELECT t, lag(t) OVER (ORDER BY file_row_number) AS prev FROM read_parquet(${lit(file)}, file_row_number = true))`,
    );
    return r.getRowObjectsJson()[0] as { out_of_order: number; n: number };
  });
}

/** Row groups of the file, and those whose min/max of `t` overlap [lo, hi] (the ones a range scan must read). */
async function rowGroupsFor(file: string, lo: number, hi: number) {
  return withDuck(async ({ conn }) => {
    const r = await conn.runAndReadAll(
      `SELECT count(*)::INT AS groups,
              count(*) FILTER (WHERE stats_max_value::BIGINT >= ${lo} AND stats_min_value::BIGINT <= ${hi})::INT AS read
         FROM parquet_metadata(${lit(file)}) WHERE path_in_schema = 't'`,
    );
    return r.getRowObjectsJson()[0] as { groups: number; read: number };
  });
}

/** A stream of one tiny first part (so it has columns), then 300,000 shuffled records in three batches. */
async function makeStream(name: string, eventTime: string | null) {
  const id = await send(name, ['{"t":-1,"k":-1,"ok":false}']);
  await parts(id);
  if (eventTime) await setStreamEventTime(t.db, ctxOf(acme), { datasetId: id, column: eventTime });
  const all = [...shuffled(0, 300_000)];
  for (let b = 0; b < 3; b++) await send(name, all.slice(b * 100_000, (b + 1) * 100_000));
  return id;
}

describe("event-time column", () => {
  it("sorts compacted parts by it, so a time range overlaps fewer row groups than arrival order", async () => {
    const sorted = (await parts(await makeStream("clicks_sorted", "t"))).at(-1)!;
    const plain = (await parts(await makeStream("clicks_plain", null))).at(-1)!;
    expect(await isSortedByT(sorted)).toEqual({ out_of_order: 0, n: 300_000 });
    expect((await isSortedByT(plain)).out_of_order).toBeGreaterThan(0);
    const lo = 150_000;
    const hi = 151_000;
    const s = await rowGroupsFor(sorted, lo, hi);
    const p = await rowGroupsFor(plain, lo, hi);
    expect(p.groups).toBeGreaterThanOrEqual(2); // several row groups, each spanning the whole range
    expect(p.read).toBe(p.groups);
    expect(s.groups).toBe(p.groups);
    expect(s.read).toBe(1);
  });

  it("keeps the order when small parts are merged", async () => {
    const id = await send("merged_sorted", ['{"t":-1,"k":-1,"ok":false}']);
    await parts(id);
    await setStreamEventTime(t.db, ctxOf(acme), { datasetId: id, column: "t" });
    await send("merged_sorted", shuffled(0, 5000));
    expect(await parts(id)).toHaveLength(2);
    await send("merged_sorted", shuffled(2500, 5000)); // overlaps the batch before it
    const files = await parts(id, 3);
    expect(files).toHaveLength(1);
    expect(await isSortedByT(files[0]!)).toEqual({ out_of_order: 0, n: 10_001 });
  });

  it("refuses a column the dataset lacks or one of the wrong type, saying which", async () => {
    const id = await send("checked", ['{"t":1,"k":1,"ok":true,"tags":[1]}']);
    const ctx = ctxOf(acme);
    await expect(setStreamEventTime(t.db, ctx, { datasetId: id, column: "tt" })).rejects.toThrow(
      'eventTimeColumn: dataset "checked" has no columns yet',
    );
    await parts(id);
    await expect(setStreamEventTime(t.db, ctx, { datasetId: id, column: "tt" })).rejects.toThrow(
      'eventTimeColumn: dataset "checked" has no column "tt" (columns that can be: t, k).',
    );
    await expect(setStreamEventTime(t.db, ctx, { datasetId: id, column: "ok" })).rejects.toThrow(
      /column "ok" is BOOLEAN; an event time is an epoch number/,
    );
    expect((await t.db.dataset.findUniqueOrThrow({ where: { id } })).eventTimeColumn).toBeNull();
    expect(await setStreamEventTime(t.db, ctx, { datasetId: id, column: "t" })).toEqual({ id, eventTimeColumn: "t" });
    await setStreamEventTime(t.db, ctx, { datasetId: id, column: null });
    const audit = await t.db.auditEvent.findMany({
      where: { tenantId: acme.tenantId, action: "dataset.stream_event_time", target: id },
      orderBy: { seq: "asc" },
    });
    expect(audit.map((a) => a.metadata)).toEqual([
      { from: null, to: "t" },
      { from: "t", to: null },
    ]);
  });

  it("is NOT_FOUND for another tenant's dataset, which stays as it was", async () => {
    const id = await send("guarded", ['{"t":1}']);
    await parts(id);
    await expect(setStreamEventTime(t.db, ctxOf(globex), { datasetId: id, column: "t" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await t.db.dataset.findUniqueOrThrow({ where: { id } })).eventTimeColumn).toBeNull();
  });
});
