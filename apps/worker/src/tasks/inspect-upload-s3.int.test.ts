// The inspect step on S3 storage: the head and the SHA-256 come from one
// stream of the object; Parquet (which needs its footer) is fetched whole;
// a file whose bytes differ from the declared SHA-256 fails before review.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIntakeState } from "@scrollintel/core/services/intake-decision-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { WorkerDeps } from "../worker-deps";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { closeDuck, openDuck } from "../duck/open-duck";
import { makeInspectUploadTask } from "./inspect-upload";

let t: TestDb;
let s3: TestS3;
let deps: WorkerDeps & { cleanup(): void };
let user: TestUser;

const inspect = (id: string) => runTask(makeInspectUploadTask(deps), { datasetVersionId: id });
const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

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

/** A Parquet file of `rows` rows made by DuckDB. */
async function parquetOf(rows: number): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-pq-"));
  const duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(dir, "spill") });
  const file = path.join(dir, "x.parquet");
  await duck.conn.run(`COPY (SELECT i AS id, 'city ' || (i % 5) AS city FROM range(${rows}) t(i)) TO '${file}'`);
  closeDuck(duck);
  const bytes = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

describe("inspect-upload on S3", () => {
  it("previews a CSV and records its SHA-256 from one stream", async () => {
    const csv = "id,city\n1,Oslo\n2,Lima\n";
    const up = await uploadFile(deps, ctxOf(user), "c.csv", csv, { review: true });
    await inspect(up.versionId);
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(v).toMatchObject({ status: "AWAITING_REVIEW", sha256: sha(csv) });
    const p = (await getIntakeState(t.db, ctxOf(user), up.versionId)).preview!;
    expect(p).toMatchObject({ wholeFile: true, error: null });
    expect(p.rows).toEqual([
      { id: "1", city: "Oslo" },
      { id: "2", city: "Lima" },
    ]);
  });

  it("previews Parquet from the whole object", async () => {
    const pq = await parquetOf(1000);
    const up = await uploadFile(deps, ctxOf(user), "p.parquet", pq, { review: true });
    await inspect(up.versionId);
    const p = (await getIntakeState(t.db, ctxOf(user), up.versionId)).preview!;
    expect(p.format).toBe("parquet");
    expect(p.rows).toHaveLength(50);
    expect(p.rows[3]).toEqual({ id: "3", city: "city 3" });
  });

  it("fails a file whose bytes differ from the declared SHA-256", async () => {
    const body = "id\n1\n";
    const up = await createUpload(t.db, ctxOf(user), {
      filename: "d.csv",
      sizeBytes: BigInt(body.length),
      expectedSha256: sha("something else"),
      intake: { review: true },
    });
    await deps.storage.put(up.storageKey, Readable.from([Buffer.from(body)]));
    const { datasetId } = await finishUpload(t.db, ctxOf(user), {
      uploadId: up.uploadId,
      storedBytes: BigInt(body.length),
    });
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
    await inspect(v.id);
    const after = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: v.id } });
    expect(after.status).toBe("FAILED");
    expect(after.error).toMatch(/d\.csv arrived damaged: its SHA-256 is/);
    expect((await t.db.job.findFirstOrThrow({ where: { targetId: v.id } })).status).toBe("FAILED");
  });
});
