// The hold an ingest takes for its Parquet before storing it: replaced by a
// retry, given back by a cancel or a failure, never left behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes } from "../bytes";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { cancelIngest } from "./dataset-version-service";
import { failIngest, startIngest } from "./ingest-service";
import { reserveIngestOutput } from "./ingest-storage";
import { createUpload, finishUpload } from "./upload-service";

let t: TestDb;
let u: TestUser;
const LIMIT = 10_000n;

beforeAll(async () => {
  t = await createTestDb();
  u = await createMember(t.db, await createTenant(t.db, { storageBytes: LIMIT }), "ANALYST");
});
afterAll(() => t.drop());

const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: u.tenantId } });

/** A version claimed by a worker (INGESTING), its 1,000-byte upload stored. */
async function runningVersion(): Promise<string> {
  const up = await createUpload(t.db, ctxOf(u), { filename: "a.csv", sizeBytes: 1000n });
  const { datasetId } = await finishUpload(t.db, ctxOf(u), { uploadId: up.uploadId, storedBytes: 1000n });
  const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId } });
  expect((await startIngest(t.db, v.id)).state).toBe("run");
  return v.id;
}

describe("ingest output reservation", () => {
  it("holds the parts' bytes, and a retry replaces its earlier hold instead of adding one", async () => {
    const id = await runningVersion();
    const before = await quota();
    expect(await reserveIngestOutput(t.db, id, 700n)).toBe(true);
    expect((await quota()).storageBytesReserved - before.storageBytesReserved).toBe(700n);
    expect(await reserveIngestOutput(t.db, id, 600n)).toBe(true);
    expect((await quota()).storageBytesReserved - before.storageBytesReserved).toBe(600n);
    await failIngest(t.db, id, "gave up");
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
    expect((await t.db.datasetVersion.findUniqueOrThrow({ where: { id } })).storageReservedBytes).toBe(0n);
  });

  it("gives the hold back when the user cancels, and takes none for a cancelled version", async () => {
    const id = await runningVersion();
    const before = await quota();
    await reserveIngestOutput(t.db, id, 500n);
    await cancelIngest(t.db, ctxOf(u), id);
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
    expect(await reserveIngestOutput(t.db, id, 500n)).toBe(false);
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
  });

  it("refuses parts that do not fit, naming the limit, and holds nothing", async () => {
    const id = await runningVersion();
    const q = await quota();
    const left = LIMIT - q.storageBytesUsed - q.storageBytesReserved;
    await expect(reserveIngestOutput(t.db, id, left + 1n)).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: `Storing this dataset's Parquet files needs about ${formatBytes(left + 1n)}, but only ${formatBytes(left)} is left of this workspace's 9.8 KiB storage limit.`,
    });
    expect((await quota()).storageBytesReserved).toBe(q.storageBytesReserved);
    expect(await reserveIngestOutput(t.db, id, left)).toBe(true);
  });
});
