// The worker on S3 storage: ingest streams the upload to scratch space, query
// reads Parquet through the local hot cache, and a damaged upload fails its
// dataset with a message for people.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun } from "@scrollintel/core/services/query-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../test/factories";
import { startTestS3, type TestS3 } from "../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../test/worker-harness";
import { cacheRoot, evictCache } from "./local-path-for";
import { EXPIRE_UPLOADS_CRON, makeExpireUploadsTask } from "./tasks/expire-uploads";
import { makeIngestTask } from "./tasks/ingest";
import { makeQueryTask } from "./tasks/query";
import type { WorkerDeps } from "./worker-deps";

let t: TestDb;
let s3: TestS3;
let deps: WorkerDeps & { cleanup(): void };
let user: TestUser;
const CSV = "id,city,amount\n1,Oslo,10.5\n2,Lima,20\n3,Oslo,5.25\n";

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  const base = makeWorkerDeps(t.db, s3.env);
  deps = { ...base, storage: createStorage(base.config) };
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await s3.stop();
  await t.drop();
});

async function ingest(versionId: string) {
  await runTask(makeIngestTask(deps), { datasetVersionId: versionId });
  return t.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
}

/** An upload whose stored bytes differ from what was declared: what a broken store would leave. */
async function storedUpload(declared: string, stored: string, expectedSha256?: string) {
  const up = await createUpload(t.db, ctxOf(user), {
    filename: "numbers.csv",
    sizeBytes: BigInt(declared.length),
    expectedSha256,
  });
  await deps.storage.put(up.storageKey, Readable.from([Buffer.from(stored)]));
  const { datasetId } = await finishUpload(t.db, ctxOf(user), {
    uploadId: up.uploadId,
    storedBytes: BigInt(declared.length),
  });
  return t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
}

describe("worker on S3 storage", () => {
  it("ingests from S3, records the SHA-256 and writes Parquet back to S3", async () => {
    expect(deps.storage.kind).toBe("s3");
    const up = await uploadFile(deps, ctxOf(user), "cities.csv", CSV);
    const v = await ingest(up.versionId);
    expect(v.status).toBe("READY");
    expect(v.sha256).toBe(createHash("sha256").update(CSV).digest("hex"));
    const files = v.files as string[];
    expect(await deps.storage.stat(files[0]!)).not.toBeNull();
  });

  it("queries through the local hot cache", async () => {
    const { id } = await createQueryRun(t.db, ctxOf(user), {
      sql: "SELECT city, sum(amount) AS total FROM cities GROUP BY city ORDER BY city",
    });
    await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
    const r = await t.db.queryRun.findUniqueOrThrow({ where: { id } });
    expect(r.error).toBeNull();
    expect(r.previewRows).toEqual([
      { city: "Lima", total: 20 },
      { city: "Oslo", total: 15.75 },
    ]);
    const cached = fs.readdirSync(cacheRoot(deps.config), { recursive: true }).map(String);
    expect(cached.some((f) => f.endsWith("part-00000.parquet"))).toBe(true);
  });

  it("fails the dataset when storage holds fewer bytes than were declared", async () => {
    const v = await ingest((await storedUpload("a,b\n1,2\n3,4\n", "a,b\n1,2\n")).id);
    expect(v.status).toBe("FAILED");
    expect(v.error).toBe("numbers.csv arrived damaged: storage holds 8 bytes but 12 were declared. Upload it again.");
  });

  it("fails the dataset when the SHA-256 differs from the one the uploader declared", async () => {
    const wrong = "0".repeat(64);
    const v = await ingest((await storedUpload("a,b\n1,2\n", "a,b\n1,3\n", wrong)).id);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(
      /^numbers\.csv arrived damaged: its SHA-256 is [0-9a-f]{64} but the uploader declared 0{64}\./,
    );
    expect((await t.db.dataset.findUniqueOrThrow({ where: { id: v.datasetId } })).status).toBe("FAILED");
  });
});

describe("expire-uploads cron task", () => {
  it("expires an idle upload on S3: status, reservation and bytes", async () => {
    expect(EXPIRE_UPLOADS_CRON).toMatch(/^\*\/15 \* \* \* \* expire-uploads /);
    const up = await createUpload(t.db, ctxOf(user), { filename: "left.csv", sizeBytes: 100n });
    await deps.storage.put(up.storageKey, Readable.from([Buffer.from("half")]));
    await deps.storage.put(`${up.storageKey}.info`, Readable.from([Buffer.from("{}")]));
    const reserved = async () =>
      (await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } })).storageBytesReserved;
    const before = await reserved();
    await t.db.upload.update({ where: { id: up.uploadId }, data: { lastActivityAt: new Date(0) } });
    const payload = { _cron: { ts: new Date().toISOString(), backfilled: false } };
    await runTask(makeExpireUploadsTask(deps), payload);
    expect((await t.db.upload.findUniqueOrThrow({ where: { id: up.uploadId } })).status).toBe("EXPIRED");
    expect(before - (await reserved())).toBe(100n);
    for await (const o of deps.storage.list(up.storageKey)) throw new Error(`left behind: ${o.key}`);
  });
});

describe("hot cache eviction", () => {
  it("drops least recently used copies past the limit and spares recent ones", async () => {
    const root = path.join(deps.config.dataDir, "evict-test");
    fs.mkdirSync(root, { recursive: true });
    const now = Date.now();
    const files = { oldest: 3 * 3600_000, older: 2 * 3600_000, recent: 60_000 };
    for (const [name, age] of Object.entries(files)) {
      const p = path.join(root, name);
      fs.writeFileSync(p, Buffer.alloc(1000));
      fs.utimesSync(p, new Date(now - age), new Date(now - age));
    }
    expect(await evictCache(root, 1500, now)).toBe(2);
    expect(fs.readdirSync(root)).toEqual(["recent"]);
    // Over the limit with only recently used files left: nothing is taken from a running query.
    expect(await evictCache(root, 10, now)).toBe(0);
  });
});
