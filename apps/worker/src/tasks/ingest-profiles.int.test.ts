// Profiles and first rows through the real ingest task: list and struct
// columns from NDJSON profile (no "avg(DOUBLE[])"), "First rows" are the
// file's first rows (and an append's are its base's), and the same file
// profiles the same twice.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;

/** 300,000 lines: several row groups, read by two threads. */
const ROWS = 300_000;
const csv = (from: number, n: number) =>
  `id,cat\n${Array.from({ length: n }, (_, i) => `${from + i},c${(from + i) % 7}`).join("\n")}\n`;

async function ingest(filename: string, body: string) {
  const up = await uploadFile(deps, ctxOf(user), filename, body);
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  return t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
}

const profileOf = (v: { profile: unknown }, name: string) =>
  (v.profile as unknown as ColumnProfile[]).find((c) => c.name === name)!;
const firstIds = (v: { preview: unknown }) => (v.preview as { id: string }[]).map((r) => Number(r.id));

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("ingest profiles", () => {
  it("profiles list and struct columns of NDJSON", async () => {
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ id: i, coords: i % 10 ? [1.5, 2.25 + i] : null, props: { name: `n${i}`, tags: ["a", "b"] } }),
    );
    const v = await ingest("geo.ndjson", `${lines.join("\n")}\n`);
    expect(v.error).toBeNull();
    expect(v.status).toBe("READY");
    expect(profileOf(v, "coords")).toMatchObject({
      kind: "list",
      nulls: 10,
      elementType: "DOUBLE",
      length: { min: 2, max: 2, mean: 2 },
    });
    expect(profileOf(v, "props")).toMatchObject({
      kind: "struct",
      fields: [
        { name: "name", type: "VARCHAR" },
        { name: "tags", type: "VARCHAR[]" },
      ],
    });
    expect(profileOf(v, "id")).toMatchObject({ distinct: 100, mean: 49.5, nulls: 0 });
  });

  let first: Awaited<ReturnType<typeof ingest>>;

  it("shows the file's first rows, and profiles every row", async () => {
    first = await ingest("big.csv", csv(0, ROWS));
    expect(first.status).toBe("READY");
    expect(firstIds(first)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const id = profileOf(first, "id");
    expect(id).toMatchObject({ count: ROWS, min: "0", max: String(ROWS - 1), mean: (ROWS - 1) / 2 });
    // The one estimate: a HyperLogLog, about 1% standard error.
    expect(Math.abs(id.distinct - ROWS) / ROWS).toBeLessThan(0.03);
    expect(id.sampleRows).toBe(ROWS);
    expect(profileOf(first, "cat").distinct).toBe(7);
  }, 60_000);

  it("profiles the same file the same way twice", async () => {
    const again = await ingest("big-again.csv", csv(0, ROWS));
    expect(again.profile).toEqual(first.profile);
  }, 60_000);

  it("keeps the base version's first rows for an append, and profiles both files' rows", async () => {
    const body = csv(ROWS, 1000);
    const up = await createUpload(t.db, ctxOf(user), {
      filename: "more.csv",
      sizeBytes: BigInt(body.length),
      appendToDatasetId: first.datasetId,
    });
    await deps.storage.put(up.storageKey, Readable.from([Buffer.from(body)]));
    await finishUpload(t.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
    const next = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: first.datasetId, version: 2 } });
    await runTask(makeIngestTask(deps), { datasetVersionId: next.id });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: next.id } });
    expect(v.status).toBe("READY");
    expect(v.files as string[]).toHaveLength(2);
    expect(firstIds(v)).toEqual(firstIds(first));
    expect(profileOf(v, "id")).toMatchObject({ count: ROWS + 1000, max: String(ROWS + 999), nulls: 0 });
  }, 60_000);
});
