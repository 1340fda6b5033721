// Masks and row filters on a streaming dataset, tried by a masked,
// row-filtered analyst: queries read the compacted parts and the segments
// not compacted yet through the same view, and the stream's statistics
// (records per minute, rejects with their raw records) reveal nothing either.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setMemberAttributes } from "@scrollintel/core/services/access-group-service";
import { setDatasetPolicy } from "@scrollintel/core/services/access-policy-service";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { getStreamStats } from "@scrollintel/core/services/stream-stats-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, sendEvents } from "../../../../test/worker-harness";
import { makeQueryTask } from "./query";
import { makeStreamCompactTask } from "./stream-compact";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let admin: TestUser;
let eu: TestUser;
let datasetId = "";

const RAW = [/alice@/, /bob@/, /carol@/, /dave@/, /erin@/, /\b7100\b/, /\b7300\b/, /\b7500\b/];
const leaks = (v: unknown) => RAW.filter((r) => r.test(JSON.stringify(v))).map((r) => r.source);

async function send(lines: string[]) {
  const r = await sendEvents(deps, admin, "signups", lines);
  datasetId = r.datasetId;
}

async function rows(user: TestUser, sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: true });
  const job = await t.db.$queryRaw<{ payload: unknown }[]>`
    SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
  if (job[0]) await runTask(makeQueryTask(deps), job[0].payload, { attempts: 1, max_attempts: 1 });
  const run = await getQueryRunById(t.db, ctxOf(user), id);
  expect(run.status, run.error ?? "").toBe("SUCCEEDED");
  return run.previewRows as Record<string, unknown>[];
}

const event = (id: number, email: string, region: string, salary: number) =>
  JSON.stringify({ id, email, region, salary });

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STREAM_COMPACT_AGE_MS: "1" });
  const acme = await createTenant(t.db, { slug: "acme" });
  admin = await createMember(t.db, acme, "ADMIN");
  eu = await createMember(t.db, acme, "ANALYST");
  await setMemberAttributes(t.db, ctxOf(admin), { userId: eu.id, attributes: { region: "EU" } });
  // The first batch is compacted into a part; the second stays in a segment.
  await send([event(1, "alice@example.com", "EU", 7100), event(2, "bob@example.com", "US", 7200)]);
  await runTask(makeStreamCompactTask(deps), { datasetId });
  await setDatasetPolicy(t.db, ctxOf(admin), {
    datasetId,
    policy: {
      visibility: "everyone",
      allow: [],
      masks: [
        { column: "email", method: "redact", subjects: [{ kind: "role", role: "ANALYST" }] },
        { column: "salary", method: "nullify", subjects: [{ kind: "role", role: "ANALYST" }] },
      ],
      rowFilters: [{ predicate: "region = user.region", subjects: [{ kind: "role", role: "ANALYST" }] }],
    },
  });
  await send([
    event(3, "carol@example.org", "EU", 7300),
    event(4, "dave@example.net", "US", 7400),
    event(5, "erin@example.net", "EU", 7500),
    // Rejected (id is not a number): its raw record must not reach the filtered analyst.
    '{"id":"six","email":"erin@example.net","region":"US","salary":7600}',
  ]);
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("a streaming dataset under masks and row filters", () => {
  it("has rows both compacted and still in a segment", async () => {
    const pending = await t.db.streamSegment.count({ where: { datasetId, status: "PENDING" } });
    expect(pending).toBe(1);
    const all = await rows(admin, "SELECT id, email FROM signups ORDER BY id");
    expect(all.map((r) => String(r.id))).toEqual(["1", "2", "3", "4", "5"]);
    expect(all[2]).toMatchObject({ email: "carol@example.org" });
  });

  it("gives the analyst only its region's rows, masked, from parts and pending segments alike", async () => {
    const r = await rows(eu, "SELECT id, email, region, salary FROM signups ORDER BY id");
    expect(r.map((x) => String(x.id))).toEqual(["1", "3", "5"]);
    for (const x of r) expect(x).toMatchObject({ email: "***", region: "EU", salary: null });
    expect(leaks(r)).toEqual([]);
  });

  it("reveals nothing through aggregates, LIKE probes or self-joins over the pending rows", async () => {
    const r = await rows(
      eu,
      `SELECT count(*) AS n, max(salary) AS hi, sum(salary) AS total, string_agg(email, ',') AS emails,
              count(*) FILTER (WHERE email LIKE 'carol%') AS probe, count(*) FILTER (WHERE region = 'US') AS us,
              (SELECT count(*) FROM signups a, signups b) AS pairs
         FROM signups`,
    );
    expect(r[0]).toMatchObject({ n: "3", hi: null, total: null, probe: "0", us: "0", pairs: "9" });
    expect(leaks(r)).toEqual([]);
  });

  it("still filters and masks once the segment is compacted", async () => {
    await runTask(makeStreamCompactTask(deps), { datasetId });
    expect(await t.db.streamSegment.count({ where: { datasetId, status: "PENDING" } })).toBe(0);
    const r = await rows(eu, "SELECT id, email, salary FROM signups ORDER BY id");
    expect(r.map((x) => String(x.id))).toEqual(["1", "3", "5"]);
    expect(leaks(r)).toEqual([]);
  });

  it("shows the analyst no record counts or raw rejected records in the stream's statistics", async () => {
    const mine = await getStreamStats(t.db, ctxOf(eu), datasetId);
    expect(mine).toMatchObject({ perMinute: [], recentRejects: [], rejectedRecords: null, hiddenByPolicy: true });
    expect(leaks(mine)).toEqual([]);
    const all = await getStreamStats(t.db, ctxOf(admin), datasetId);
    expect(all.rejectedRecords).toBe(1);
    expect(all.perMinute.reduce((n, m) => n + m.records, 0)).toBe(6);
    expect(leaks(all.recentRejects)).toContain("erin@");
  });
});
