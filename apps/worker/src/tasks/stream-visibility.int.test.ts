// A query on a stream never fails because of where a record lives (segment or
// part) or when the schema changed: before the first compaction, with keys only
// pending segments have, with a column no part has, and with a compaction that
// commits between a query's snapshot of the version and the building of its view.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { withCompactionLock } from "@scrollintel/core/services/stream-compaction-service";
import { findVisibleDatasets } from "@scrollintel/core/services/visible-datasets";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { holdLock } from "../../../../test/lock-wait";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, sendEvents } from "../../../../test/worker-harness";
import { closeDuck, openDuck } from "../duck/open-duck";
import { segmentKeyReads } from "../duck/pending-columns";
import { streamSandboxDataset } from "../duck/stream-sandbox";
import { makeQueryTask } from "./query";
import { makeStreamCompactTask } from "./stream-compact";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STREAM_COMPACT_AGE_MS: "1" });
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

async function send(name: string, lines: string[]): Promise<string> {
  const r = await sendEvents(deps, acme, name, lines);
  return r.datasetId;
}

const compact = (datasetId: string) => runTask(makeStreamCompactTask(deps), { datasetId });

async function query(sql: string) {
  return (await queryRun(sql)).previewRows as Record<string, unknown>[];
}

async function queryRun(sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(acme), { sql, useCache: true });
  const job = await t.db.$queryRaw<{ payload: unknown }[]>`
    SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
  if (job[0]) await runTask(makeQueryTask(deps), job[0].payload, { attempts: 1, max_attempts: 1 });
  const run = await getQueryRunById(t.db, ctxOf(acme), id);
  expect(run.status, run.error ?? "").toBe("SUCCEEDED");
  return run;
}

/** The result's column names in order (preview rows are stored as jsonb, which orders keys its own way). */
async function columnsOf(sql: string): Promise<string[]> {
  return ((await queryRun(sql)).columns as { name: string }[]).map((c) => c.name);
}

async function snapshotOf(name: string) {
  const d = (await findVisibleDatasets(t.db, acme.tenantId)).find((x) => x.name === name);
  if (!d) throw new Error(`no dataset ${name}`);
  return d;
}

describe("stream visibility", () => {
  it("answers queries naming the first batch's columns before the first compaction", async () => {
    const id = await send("first", ['{"id":1,"b":7,"tag":"x"}', '{"id":2,"b":7,"tag":"y"}', '{"id":3,"b":8}']);
    expect(await query("SELECT count(*)::INT AS n FROM first WHERE b = 7")).toEqual([{ n: 2 }]);
    expect(await query("SELECT id::INT AS id, tag FROM first ORDER BY id")).toEqual([
      { id: 1, tag: "x" },
      { id: 2, tag: "y" },
      { id: 3, tag: null },
    ]);
    await compact(id);
    expect(await query("SELECT count(*)::INT AS n FROM first WHERE b = 7")).toEqual([{ n: 2 }]);
  });

  it("types pending columns as compaction will, rejects included", async () => {
    const id = await send("typed", ['{"n":1,"s":"a"}', '{"n":2.5,"s":"b"}', '{"n":3,"s":4}']);
    // n mixes integers and doubles (DOUBLE); s mixes kinds (JSON): the same before and after compaction.
    const sql = "SELECT n::VARCHAR AS n, s::VARCHAR AS s FROM typed ORDER BY n";
    const before = await query(sql);
    await compact(id);
    expect(await query(sql)).toEqual(before);
    expect(before).toEqual([
      { n: "1.0", s: '"a"' },
      { n: "2.5", s: '"b"' },
      { n: "3.0", s: "4" },
    ]);
  });

  it("orders the columns of segments not compacted yet as compaction will: first record first, then object order", async () => {
    const id = await send("ordered", ['{"b":1}', '{"a":2,"c":3,"b":4}', "[1]", '{"d":null,"a":5}']);
    expect(await columnsOf("SELECT * FROM ordered")).toEqual(["b", "a", "c", "d"]);
    await compact(id);
    expect(await columnsOf("SELECT * FROM ordered")).toEqual(["b", "a", "c", "d"]);
  });

  it("answers queries naming a key only segments not compacted yet have", async () => {
    const id = await send("evolving", ['{"id":1}']);
    await compact(id);
    await send("evolving", ['{"id":2,"extra":"new"}']);
    expect(await query("SELECT id::INT AS id, extra FROM evolving ORDER BY id")).toEqual([
      { id: 1, extra: null },
      { id: 2, extra: "new" },
    ]);
    await compact(id);
    expect(await query("SELECT id::INT AS id, extra FROM evolving ORDER BY id")).toEqual([
      { id: 1, extra: null },
      { id: 2, extra: "new" },
    ]);
  });

  it("answers queries naming a column that only a batch of rejects brought", async () => {
    const id = await send("rejecting", ['{"id":1}']);
    await compact(id);
    await send("rejecting", ['{"id":"not a number","only_here":true}']);
    await compact(id);
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: id, version: 1 } });
    expect(v.rejectedRows).toBe(1n);
    expect(await query("SELECT id::INT AS id, only_here FROM rejecting")).toEqual([{ id: 1, only_here: null }]);
  });

  it("gives the view a new mark when a compaction only rejects, so a session does not keep deleted segments", async () => {
    const id = await send("marks", ['{"id":1}']);
    await compact(id);
    await send("marks", ['{"id":"x"}']);
    const before = (await snapshotOf("marks")).streamMark;
    await compact(id);
    expect((await snapshotOf("marks")).streamMark).not.toBe(before);
  });

  it("loses no row and no column when a compaction commits between a query's snapshot and its view", async () => {
    const id = await send("racing", ['{"id":1}']);
    await compact(id);
    await send("racing", ['{"id":2,"late":"l"}', '{"id":3,"late":"m"}']);
    const snapshot = await snapshotOf("racing");
    await compact(id); // commits after the snapshot: its part is not in the snapshot's files
    const view = await streamSandboxDataset(deps, snapshot);
    const duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: `${deps.config.dataDir}/tmp/race` });
    try {
      const r = await duck.conn.runAndReadAll(
        `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, count(late)::INT AS late FROM (${view.sql})`,
      );
      expect(r.getRowObjectsJson()).toEqual([{ n: 3, d: 3, late: 2 }]);
    } finally {
      closeDuck(duck);
    }
  });
});

// A query reads the keys of every pending segment its process has not read yet
// before it runs; under a backlog that was seconds a query. The compaction job
// a segment's commit enqueues reads them while it waits, so the query does not.
describe("segment keys read ahead of their compaction", () => {
  // Its own workspace and storage: the datasets above are in the other deps' storage.
  let waiting: ReturnType<typeof makeWorkerDeps>;
  let initech: TestUser;
  beforeAll(async () => {
    waiting = makeWorkerDeps(t.db, { STREAM_COMPACT_AGE_MS: "600000" });
    initech = await createMember(t.db, await createTenant(t.db, { slug: "initech" }), "ANALYST");
  });
  afterAll(() => waiting.cleanup());

  async function queryWaiting(sql: string) {
    const { id } = await createQueryRun(t.db, ctxOf(initech), { sql, useCache: false });
    const job = await t.db.$queryRaw<{ payload: unknown }[]>`
      SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
    await runTask(makeQueryTask(waiting), job[0]!.payload, { attempts: 1, max_attempts: 1 });
    const run = await getQueryRunById(t.db, ctxOf(initech), id);
    expect(run.status, run.error ?? "").toBe("SUCCEEDED");
    return run.previewRows as Record<string, unknown>[];
  }
  const statuses = async (datasetId: string) =>
    (await t.db.streamSegment.findMany({ where: { datasetId }, orderBy: { seq: "asc" } })).map((s) => s.status);

  it("reads a new segment's keys while its compaction is not due, so a query meanwhile reads none", async () => {
    const { datasetId } = await sendEvents(waiting, initech, "ahead", ['{"id":1,"tag":"a"}', '{"id":2,"tag":"b"}']);
    await runTask(makeStreamCompactTask(waiting), { datasetId });
    expect(await statuses(datasetId)).toEqual(["PENDING"]);
    const reads = segmentKeyReads();
    expect(await queryWaiting("SELECT id::INT AS id, tag FROM ahead ORDER BY id")).toEqual([
      { id: 1, tag: "a" },
      { id: 2, tag: "b" },
    ]);
    expect(segmentKeyReads()).toBe(reads);
  });

  it("reads them while another compactor holds the dataset", async () => {
    const { datasetId } = await sendEvents(waiting, initech, "held", ['{"id":1}']);
    const other = await holdLock((inside) => withCompactionLock(t.db, datasetId, inside));
    try {
      await sendEvents(waiting, initech, "held", ['{"id":2,"extra":true}']);
      await runTask(makeStreamCompactTask(waiting), { datasetId });
      expect(await statuses(datasetId)).toEqual(["PENDING", "PENDING"]);
      const reads = segmentKeyReads();
      expect(await queryWaiting("SELECT id::INT AS id, extra FROM held ORDER BY id")).toEqual([
        { id: 1, extra: null },
        { id: 2, extra: true },
      ]);
      expect(segmentKeyReads()).toBe(reads);
    } finally {
      await other.release();
    }
  });
});
