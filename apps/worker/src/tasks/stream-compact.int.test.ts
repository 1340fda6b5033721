// Stream compaction and query visibility: the first batch's schema, new keys as
// nullable columns, strict types with rejects (record number and reason), rows
// of segments not compacted yet visible to queries, and a second compactor of
// the same segments changing nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import {
  commitCompaction,
  findCompactionBatch,
  withCompactionLock,
} from "@scrollintel/core/services/stream-compaction-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { holdLock } from "../../../../test/lock-wait";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { addedJobs, makeWorkerDeps, runTask, sendEvents } from "../../../../test/worker-harness";
import { makeQueryTask } from "./query";
import { makeStreamCompactTask } from "./stream-compact";
import { sweepUnlistedParts } from "./stream-merge";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let acme: TestUser;
let globex: TestUser;
let datasetId = "";

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

async function send(user: TestUser, lines: string[], name = "events") {
  const r = await sendEvents(deps, user, name, lines);
  datasetId = r.datasetId;
  return r;
}

async function compact(id = datasetId) {
  await runTask(makeStreamCompactTask(deps), { datasetId: id });
}

async function query(user: TestUser, sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: true });
  const job = await t.db.$queryRaw<{ payload: unknown }[]>`
    SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
  if (job[0]) await runTask(makeQueryTask(deps), job[0].payload, { attempts: 1, max_attempts: 1 });
  const run = await getQueryRunById(t.db, ctxOf(user), id);
  expect(run.status, run.error ?? "").toBe("SUCCEEDED");
  return run.previewRows as Record<string, unknown>[];
}

async function version() {
  return t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } });
}

describe("stream compaction", () => {
  it("infers the schema from the first batch and writes one zstd Parquet part", async () => {
    await send(acme, ['{"id":1,"name":"a","score":1.5,"ok":true}', '{"id":2,"name":"b","score":2,"ok":false}']);
    await compact();
    const v = await version();
    expect(v.columns).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "name", type: "VARCHAR" },
      { name: "score", type: "DOUBLE" },
      { name: "ok", type: "BOOLEAN" },
    ]);
    expect(v.rowCount).toBe(2n);
    expect(v.files as string[]).toHaveLength(1);
    expect((v.files as string[])[0]).toMatch(/stream-[0-9a-f]+\.parquet$/);
    const segs = await t.db.streamSegment.findMany({ where: { datasetId } });
    expect(segs.map((s) => s.status)).toEqual(["COMPACTED"]);
    expect(await query(acme, "SELECT count(*)::INT AS n, sum(id)::INT AS ids FROM events")).toEqual([{ n: 2, ids: 3 }]);
  });

  it("shows rows of segments not compacted yet, skipping the ones that will be rejects", async () => {
    await send(acme, ['{"id":3,"name":"c"}', '{"id":"four","name":"d"}', '{"id":5,"extra":"x"}']);
    expect(await query(acme, "SELECT count(*)::INT AS n, sum(id)::INT AS ids FROM events")).toEqual([
      { n: 4, ids: 11 },
    ]);
  });

  it("adds new keys as nullable columns and rejects values that do not fit, with record number and reason", async () => {
    await send(acme, ["not json", "[1,2]", '{"id":6.5}', '{"id":7,"ok":"yes"}', "", '{"id":8}']);
    await compact();
    const v = await version();
    expect(v.columns).toEqual(expect.arrayContaining([{ name: "extra", type: "VARCHAR" }]));
    expect(v.rowCount).toBe(5n); // 1, 2, 3, 5, 8
    expect(v.rejectedRows).toBe(5n);
    const rejects = await t.db.streamReject.findMany({ where: { datasetId }, orderBy: { id: "asc" } });
    const byReason = rejects.map((r) => [r.record, r.reason]);
    expect(byReason).toEqual(
      expect.arrayContaining([
        [2, expect.stringMatching(/column "id": "four" is not BIGINT/)],
        [1, "not valid JSON"],
        [2, "not a JSON object"],
        [3, expect.stringMatching(/column "id": 6.5 is not BIGINT/)],
        [4, expect.stringMatching(/column "ok": "yes" is not BOOLEAN/)],
      ]),
    );
    const rows = await query(acme, "SELECT id::INT AS id, extra FROM events ORDER BY id");
    expect(rows).toEqual([
      { id: 1, extra: null },
      { id: 2, extra: null },
      { id: 3, extra: null },
      { id: 5, extra: "x" },
      { id: 8, extra: null },
    ]);
    const segs = await t.db.streamSegment.findMany({ where: { datasetId }, orderBy: { seq: "asc" } });
    expect(segs.map((s) => [s.status, s.rejects])).toEqual([
      ["COMPACTED", 0],
      ["COMPACTED", 1],
      ["COMPACTED", 4],
    ]);
  });

  it("a second compactor of the same segments commits nothing", async () => {
    await send(acme, ['{"id":9}']);
    const batch = (await findCompactionBatch(t.db, datasetId, 1e9))!;
    await compact();
    const part = {
      partKey: null,
      partBytes: 0n,
      rows: 1n,
      columns: [],
      rejectsBySegment: new Map(),
      rejectExamples: [],
    };
    expect(await commitCompaction(t.db, batch, part)).toBe(false);
    const v = await version();
    expect(v.rowCount).toBe(6n);
    expect(await query(acme, "SELECT count(*)::INT AS n FROM events")).toEqual([{ n: 6 }]);
  });

  it("keeps tenants apart: the other tenant's queries do not see this stream", async () => {
    const { id } = await createQueryRun(t.db, ctxOf(globex), { sql: "SELECT count(*) FROM events", useCache: false });
    const job = await t.db.$queryRaw<{ payload: unknown }[]>`
      SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
    if (job[0]) await runTask(makeQueryTask(deps), job[0].payload, { attempts: 1, max_attempts: 1 });
    const run = await getQueryRunById(t.db, ctxOf(globex), id);
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/events/);
  });

  it("merges small parts into one once there are STREAM_MERGE_PARTS, atomically, and sweeps the old ones", async () => {
    const merging = { ...deps, config: { ...deps.config, STREAM_MERGE_PARTS: 3 } };
    let id = "";
    for (let b = 0; b < 4; b++) {
      const extra = b === 1 ? ',"late":"x"' : "";
      id = (await send(acme, [`{"id":${100 + b}${extra}}`, `{"id":${200 + b}}`], "merged")).datasetId;
      await runTask(makeStreamCompactTask(merging), { datasetId: id });
    }
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: id, version: 1 } });
    expect(v.files as string[]).toHaveLength(2); // three merged into one, then the fourth
    expect(v.rowCount).toBe(8n);
    const rows = await query(
      acme,
      "SELECT count(*)::INT AS n, count(late)::INT AS late, sum(id)::INT AS s FROM merged",
    );
    expect(rows).toEqual([{ n: 8, late: 1, s: 100 + 101 + 102 + 103 + 200 + 201 + 202 + 203 }]);
    expect(await sweepUnlistedParts(merging, id)).toBe(0); // within the grace period
    expect(await sweepUnlistedParts(merging, id, 0)).toBe(3);
    expect(await query(acme, "SELECT count(*)::INT AS n FROM merged")).toEqual([{ n: 8 }]);
  });

  it("leaves the segments to a compactor already running on the dataset, and comes back later", async () => {
    const id = (await send(acme, ['{"id":1}'], "locked")).datasetId;
    const other = await holdLock((inside) => withCompactionLock(t.db, id, inside));
    const before = addedJobs.length;
    await runTask(makeStreamCompactTask(deps), { datasetId: id });
    const segs = await t.db.streamSegment.findMany({ where: { datasetId: id } });
    expect(segs.map((s) => s.status)).toEqual(["PENDING"]);
    expect(addedJobs.slice(before)).toEqual([{ name: "stream-compact", payload: { datasetId: id } }]);
    expect(await other.release()).toBe(true);
    await runTask(makeStreamCompactTask(deps), { datasetId: id });
    const after = await t.db.streamSegment.findMany({ where: { datasetId: id } });
    expect(after.map((s) => s.status)).toEqual(["COMPACTED"]);
  });

  it("gives a query engine's session the new view once the same segments are compacted", async () => {
    const id = (await send(acme, ['{"id":1,"kind":"first"}'], "fresh")).datasetId;
    // Before its first compaction the columns come from the segment itself.
    expect(await query(acme, "SELECT count(*)::INT AS n, max(kind) AS k FROM fresh")).toEqual([{ n: 1, k: "first" }]);
    await runTask(makeStreamCompactTask(deps), { datasetId: id });
    // No new segment since: only the compaction tells this view from the one before.
    expect(await query(acme, "SELECT count(*)::INT AS n, max(kind) AS k FROM fresh")).toEqual([{ n: 1, k: "first" }]);
  });
});
