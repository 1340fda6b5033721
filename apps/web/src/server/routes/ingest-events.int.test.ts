// POST /api/events through the real edge: durable-before-200 segments, encodings,
// idempotent retries, the events:write scope, limits, backpressure, and tenants
// kept apart from the attacker's side.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { tenantRoute } from "../http/edge-route";
import { ingestEvents } from "./ingest-events";

const log = createLogger({ name: "web", level: "silent" });
let t: TestDb;
let tmp: string;
let storage: StorageDriver;
let owner: TestUser;
let other: TestUser;
let writeKey: string;
let readKey: string;
let otherKey: string;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-events-"));
  storage = createStorage(parseConfig({ DATA_DIR: tmp }));
  owner = await createMember(t.db, await createTenant(t.db), "OWNER");
  other = await createMember(t.db, await createTenant(t.db), "OWNER");
  writeKey = (await createApiKey(t.db, ctxOf(owner), { name: "producer", scopes: ["events:write"] })).key;
  readKey = (await createApiKey(t.db, ctxOf(owner), { name: "reader", scopes: ["read", "query"] })).key;
  otherKey = (await createApiKey(t.db, ctxOf(other), { name: "theirs", scopes: ["events:write"] })).key;
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const route = tenantRoute<object>("events.write", ingestEvents, { deps: () => ({ db: t.db, storage, log }) });

function post(dataset: string, body: BodyInit, headers: Record<string, string> = {}, key = writeKey) {
  const req = new Request(`http://localhost/api/events?dataset=${dataset}`, {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${key}`, ...headers },
    duplex: "half",
  } as RequestInit);
  return route(req, undefined as never);
}

const ndjson = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i, name: `e${from + i}` })).join("\n") + "\n";

async function segments(datasetName: string, tenantId = owner.tenantId) {
  return t.db.$queryRawUnsafe<{ id: string; key: string; records: number; bytes: bigint; format: string }[]>(
    `SELECT s.id, s.key, s.records, s.bytes, s.format FROM "StreamSegment" s JOIN "Dataset" d ON d.id = s."datasetId"
      WHERE d.name = $1 AND d."tenantId" = $2 ORDER BY s.seq`,
    datasetName,
    tenantId,
  );
}

describe("POST /api/events", () => {
  it("stores an NDJSON batch as a segment, committed with its storage, usage and compaction job before the 200", async () => {
    const body = ndjson(1, 100);
    const res = await post("clicks", body);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ successful_rows: 100, duplicate: false });
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(Number(res.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    const [seg] = await segments("clicks");
    expect(seg).toMatchObject({ records: 100, bytes: BigInt(body.length), format: "ndjson" });
    const stored = await storage.stat(seg!.key);
    expect(stored?.size).toBe(body.length);
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
    expect(q.storageBytesUsed).toBe(BigInt(body.length));
    expect(q.storageBytesReserved).toBe(0n);
    const usage = await t.db.usageEvent.findMany({ where: { tenantId: owner.tenantId } });
    expect(usage.map((u) => [u.kind, u.amount])).toEqual(
      expect.arrayContaining([
        ["INGEST_ROWS", 100n],
        ["INGEST_BYTES", BigInt(body.length)],
      ]),
    );
    const jobs = await t.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'stream-compact'`,
    );
    expect(jobs[0]!.n).toBe(1);
    const ds = await t.db.dataset.findFirstOrThrow({ where: { tenantId: owner.tenantId, name: "clicks" } });
    expect(ds).toMatchObject({ streaming: true, status: "READY", readyVersion: 1 });
  });

  it("takes gzip, zstd and a JSON array, storing the bytes as sent", async () => {
    const gz = zlib.gzipSync(ndjson(1, 50));
    expect((await post("enc", gz, { "content-encoding": "gzip" })).status).toBe(200);
    const zst = execFileSync("zstd", ["-q", "-c"], { input: ndjson(51, 30) });
    expect((await post("enc", zst, { "content-encoding": "zstd" })).status).toBe(200);
    const arr = JSON.stringify([
      { id: 81, s: "a,]" },
      { id: 82, s: "b" },
    ]);
    const r = await post("enc", arr, { "content-type": "application/json" });
    expect(await r.json()).toMatchObject({ successful_rows: 2 });
    const segs = await segments("enc");
    expect(segs.map((s) => [s.records, s.format])).toEqual([
      [50, "ndjson"],
      [30, "ndjson"],
      [2, "array"],
    ]);
    expect(segs[0]!.key).toMatch(/\.ndjson\.gz$/);
    expect(segs[1]!.key).toMatch(/\.ndjson\.zst$/);
    expect(Number(segs[0]!.bytes)).toBe(gz.length);
  });

  it("answers a retry with the same Idempotency-Key from the first batch, storing nothing twice", async () => {
    const a = await post("idem", ndjson(1, 10), { "idempotency-key": "batch-1" });
    const b = await post("idem", ndjson(1, 10), { "idempotency-key": "batch-1" });
    expect(a.status).toBe(200);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(jb).toMatchObject({ successful_rows: 10, duplicate: true, segment: ja.segment });
    expect(await segments("idem")).toHaveLength(1);
    const usage = await t.db.usageEvent.findMany({ where: { tenantId: owner.tenantId, ref: ja.segment } });
    expect(usage).toHaveLength(0); // metered by dataset, once
  });

  it("refuses callers without events:write, bad names, bad encodings and empty bodies with a 4xx naming the field", async () => {
    expect((await post("x", ndjson(1, 1), {}, readKey)).status).toBe(403);
    const anon = await route(
      new Request("http://localhost/api/events?dataset=x", { method: "POST", body: "{}" }),
      undefined as never,
    );
    expect(anon.status).toBe(401);
    const badName = await post("Bad-Name", ndjson(1, 1));
    expect(badName.status).toBe(400);
    expect(await badName.text()).toMatch(/dataset/);
    const badGzip = await post("x", "not gzip", { "content-encoding": "gzip" });
    expect(badGzip.status).toBe(400);
    expect(await badGzip.text()).toMatch(/gzip/);
    expect((await post("x", "", { "content-encoding": "br" })).status).toBe(400);
    const empty = await post("x", "\n\n");
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/body/);
    expect(await segments("x")).toHaveLength(0);
  });

  it("cuts a body past the request limit off with 413 and gives its held storage back", async () => {
    const big = "x".repeat(11 * 1024 * 1024);
    const res = await post("big", new Blob([big]).stream(), {});
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/limit/);
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
    expect(q.storageBytesReserved).toBe(0n);
    expect(await segments("big")).toHaveLength(0);
    const ds = await t.db.dataset.findFirstOrThrow({ where: { tenantId: owner.tenantId, name: "big" } });
    const left: string[] = [];
    for await (const o of storage.list(`tenants/${owner.tenantId}/datasets/${ds.id}/`)) left.push(o.key);
    expect(left).toEqual([]);
  });

  it("does not send into a dataset loaded from files (409)", async () => {
    await t.db.dataset.create({ data: { tenantId: owner.tenantId, name: "from_file", createdBy: owner.id } });
    const res = await post("from_file", ndjson(1, 1));
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/loaded from files/);
  });

  it("refuses a file appended to a stream (its parts would be hidden by a file version)", async () => {
    const ds = await t.db.dataset.findFirstOrThrow({ where: { tenantId: owner.tenantId, name: "clicks" } });
    await expect(
      createUpload(t.db, ctxOf(owner), { filename: "more.csv", sizeBytes: 10n, appendToDatasetId: ds.id }),
    ).rejects.toThrow(/event stream/);
  });

  it("answers 404 to a producer whose member the dataset's policy hides it from, storing nothing", async () => {
    expect((await post("vault", ndjson(1, 2))).status).toBe(200);
    const vault = await t.db.dataset.findFirstOrThrow({ where: { tenantId: owner.tenantId, name: "vault" } });
    const insiders = await t.db.accessGroup.create({ data: { tenantId: owner.tenantId, name: "vault-insiders" } });
    const policy = {
      visibility: "restricted",
      allow: [{ kind: "group", groupId: insiders.id }],
      masks: [],
      rowFilters: [],
    };
    await t.db.datasetPolicy.create({
      data: { datasetId: vault.id, tenantId: owner.tenantId, policy, updatedBy: owner.id },
    });
    // Admins manage access, but their events-only keys do not: a key acts with its creator's access.
    const keyOf = async (inGroup: boolean) => {
      const admin = await createMember(t.db, { id: owner.tenantId, slug: owner.slug }, "ADMIN");
      if (inGroup) {
        await t.db.accessGroupMember.create({
          data: { tenantId: owner.tenantId, groupId: insiders.id, userId: admin.id },
        });
      }
      return (await createApiKey(t.db, ctxOf(admin), { name: "producer", scopes: ["events:write"] })).key;
    };
    const hidden = await post("vault", ndjson(3, 2), {}, await keyOf(false));
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toMatch(/dataset not found/);
    expect((await segments("vault")).map((s) => s.records)).toEqual([2]);
    expect((await post("vault", ndjson(3, 2), {}, await keyOf(true))).status).toBe(200);
    expect((await segments("vault")).map((s) => s.records)).toEqual([2, 2]);
  });

  it("keeps tenants apart: another tenant's key with the same name gets its own dataset", async () => {
    expect((await post("clicks", ndjson(1000, 3), {}, otherKey)).status).toBe(200);
    expect((await segments("clicks", other.tenantId)).map((s) => s.records)).toEqual([3]);
    expect((await segments("clicks", owner.tenantId)).map((s) => s.records)).toEqual([100]);
  });

  it("answers 429 with Retry-After and X-RateLimit-* past the plan's records/s, and while compaction lags", async () => {
    await t.db.tenantQuota.update({ where: { tenantId: other.tenantId }, data: { streamRecordsPerSecond: 5 } });
    // This minute's seconds already used the rate (two posts in one second raced the clock on a loaded machine).
    await t.db.$executeRawUnsafe(
      `INSERT INTO "RateWindow" (bucket, "windowStart", count)
       SELECT $1, date_trunc('second', now() AT TIME ZONE 'UTC') + make_interval(secs => g), 5 FROM generate_series(-5, 60) g
       ON CONFLICT (bucket, "windowStart") DO UPDATE SET count = 5`,
      `srec:${other.tenantId}`,
    );
    const res = await post("rated", ndjson(1, 10), {}, otherKey);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get("x-ratelimit-limit")).toBe("5");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await res.text()).toMatch(/records\/s/);
    await t.db.tenantQuota.update({ where: { tenantId: other.tenantId }, data: { streamRecordsPerSecond: 1_000_000 } });

    await t.db.tenantQuota.update({ where: { tenantId: other.tenantId }, data: { ingestBytesMonthLimit: 0n } });
    const month = await post("rated", ndjson(1, 1), {}, otherKey);
    expect(month.status).toBe(413);
    expect(await month.text()).toMatch(/ingest limit/);
    await t.db.tenantQuota.update({ where: { tenantId: other.tenantId }, data: { ingestBytesMonthLimit: 1n << 40n } });

    await t.db.$executeRawUnsafe(
      `UPDATE "StreamSegment" SET "createdAt" = now() - interval '1 hour' WHERE "tenantId" = $1`,
      other.tenantId,
    );
    const lag = await post("clicks", ndjson(1, 1), {}, otherKey);
    expect(lag.status).toBe(429);
    expect(lag.headers.get("retry-after")).toBe("5");
    expect(await lag.text()).toMatch(/lags/);
  });
});
