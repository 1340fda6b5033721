// What a dataset goes through after its first ingest: bad rows skipped and
// listed, schema overrides and appends as new versions (the READY one stays
// what queries see meanwhile), profiles, usage metering, quota and cancel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantTx } from "@scrollintel/core/db/scoped";
import { findVisibleDatasets } from "@scrollintel/core/services/visible-datasets";
import { cancelIngest, findRejects, reingestVersion } from "@scrollintel/core/services/dataset-version-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import type { ColumnProfile } from "@scrollintel/core/column-profile";
import { monthKey } from "@scrollintel/core/quota";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { makeIngestTask } from "./ingest";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let other: TestUser;

const version = (id: string) => t.db.datasetVersion.findUniqueOrThrow({ where: { id }, include: { dataset: true } });
const ingest = (id: string) => runTask(makeIngestTask(deps), { datasetVersionId: id });

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  other = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

// Good rows past the sniffer's sample, then rows that break the detected types or the column count.
const GOOD = 30_000;
const rows = Array.from({ length: GOOD }, (_, i) => `${i},${i % 3 === 0 ? "Oslo" : "Lima"},${(i % 40) * 1.5}`);
const APPEND = "id,city,amount\n100,Rome,1.25\n101,Oslo,2\n";
const MESSY = ["id,city,amount", ...rows, "oops,Rome,1", "41,Rome", "42,Rome,1,extra", "43,Rome,2.5", ""].join("\n");

describe("bad rows, overrides and appends", () => {
  let datasetId = "";
  let v1 = "";
  let v2 = "";

  it("fails under the default policy, naming file, line and column", async () => {
    const up = await uploadFile(deps, ctxOf(user), "messy.csv", MESSY);
    ({ datasetId, versionId: v1 } = up);
    await ingest(v1);
    const v = await version(v1);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/^messy.csv, line 30002, column "id": Could not convert string "oops"/);
    expect((v.detected as { columns: unknown[] }).columns).toHaveLength(3);
  });

  it("re-ingests with skip as a new version and lists the skipped rows", async () => {
    const r = await reingestVersion(t.db, ctxOf(user), {
      versionId: v1,
      options: ZIngestOptions.parse({ badRows: "skip", columns: [{ name: "city", rename: "town" }] }),
    });
    v2 = r.versionId;
    expect(r.version).toBe(2);
    await ingest(v2);
    const v = await version(v2);
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(BigInt(GOOD + 1));
    expect(v.rejectedRows).toBe(3n);
    expect(v.dataset.readyVersion).toBe(2);
    expect((v.columns as { name: string }[]).map((c) => c.name)).toEqual(["id", "town", "amount"]);
    const page = await findRejects(t.db, ctxOf(user), { versionId: v2, limit: 2 });
    expect(page.total).toBe(3n);
    expect(page.items.map((x) => [x.line, x.column, x.kind])).toEqual([
      [30002n, "id", "CAST"],
      [30003n, "amount", "MISSING COLUMNS"],
    ]);
    expect(page.items[0]!.raw).toBe("oops,Rome,1");
    const rest = await findRejects(t.db, ctxOf(user), { versionId: v2, limit: 2, cursor: page.nextCursor! });
    expect(rest.items.map((x) => x.kind)).toEqual(["TOO MANY COLUMNS"]);
    await expect(findRejects(t.db, ctxOf(other), { versionId: v2, limit: 10 })).rejects.toThrow(/not found/);
  });

  it("profiles every column", async () => {
    const p = (await version(v2)).profile as unknown as ColumnProfile[];
    const amount = p.find((c) => c.name === "amount")!;
    expect(amount).toMatchObject({ kind: "number", nulls: 0, min: 0, max: 58.5, sampleRows: GOOD + 1 });
    expect(amount.histogram.reduce((s, b) => s + b.count, 0)).toBe(GOOD + 1);
    const town = p.find((c) => c.name === "town")!;
    expect(town.top[0]).toEqual({ value: "Lima", count: 20_000 });
    expect(town.distinct).toBe(3);
  });

  /** What the tenant's queries see. */
  const queryable = () => tenantTx(t.db, user.tenantId, (tx) => findVisibleDatasets(tx, user.tenantId));

  it("keeps the READY version for queries while a new one is built, then switches", async () => {
    const r = await reingestVersion(t.db, ctxOf(user), {
      versionId: v2,
      options: ZIngestOptions.parse({ badRows: "skip", columns: [{ name: "amount", type: "VARCHAR" }] }),
    });
    expect((await queryable())[0]).toMatchObject({ datasetId, version: 2 });
    await ingest(r.versionId);
    const v = await version(r.versionId);
    expect((v.columns as { type: string }[]).map((c) => c.type)).toEqual(["BIGINT", "VARCHAR", "VARCHAR"]);
    expect((await queryable())[0]).toMatchObject({ datasetId, version: 3 });
  });

  it("appends a file as a new version holding both files' rows", async () => {
    const body = APPEND;
    const up = await createUpload(t.db, ctxOf(user), {
      filename: "more.csv",
      sizeBytes: BigInt(body.length),
      appendToDatasetId: datasetId,
    });
    await deps.storage.put(up.storageKey, (await import("node:stream")).Readable.from([Buffer.from(body)]));
    const fin = await finishUpload(t.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
    expect(fin.datasetId).toBe(datasetId);
    const v4 = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 4 } });
    expect(v4.append).toBe(true);
    await ingest(v4.id);
    const v = await version(v4.id);
    expect(v.status).toBe("READY");
    expect(v.baseVersion).toBe(3);
    expect(v.rowCount).toBe(BigInt(GOOD + 3));
    expect(v.ingestedRows).toBe(2n);
    expect(v.files as string[]).toHaveLength(2);
  });

  it("refuses to append to another tenant's dataset", async () => {
    await expect(
      createUpload(t.db, ctxOf(other), { filename: "x.csv", sizeBytes: 3n, appendToDatasetId: datasetId }),
    ).rejects.toThrow(/dataset not found/);
  });

  it("meters ingested bytes and rows of every READY version", async () => {
    const m = await t.db.usageMonthly.findUniqueOrThrow({
      where: { tenantId_month: { tenantId: user.tenantId, month: monthKey() } },
    });
    expect(m.ingestRows).toBe(2n * BigInt(GOOD + 1) + 2n);
    expect(m.ingestBytes).toBe(2n * BigInt(MESSY.length) + BigInt(APPEND.length));
  });
});

describe("quota and cancel", () => {
  it("fails an ingest past the monthly ingest quota with the reason", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    await t.db.tenantQuota.update({ where: { tenantId: u.tenantId }, data: { ingestBytesMonthLimit: 10n } });
    const up = await uploadFile(deps, ctxOf(u), "big.csv", "a,b\n1,2\n3,4\n");
    await ingest(up.versionId);
    const v = await version(up.versionId);
    expect(v.status).toBe("FAILED");
    expect(v.error).toMatch(/ingest/i);
  });

  it("does nothing for a version cancelled before the worker got to it", async () => {
    const up = await uploadFile(deps, ctxOf(user), "later.csv", "a\n1\n");
    expect(await cancelIngest(t.db, ctxOf(user), up.versionId)).toEqual({ status: "CANCELLED" });
    await ingest(up.versionId);
    const v = await version(up.versionId);
    expect(v.status).toBe("CANCELLED");
    expect(v.dataset.status).toBe("CANCELLED");
    expect(await t.db.job.findFirst({ where: { targetId: v.id } })).toMatchObject({ status: "CANCELLED" });
  });

  it("lets new options supersede a run of the same file that has not finished", async () => {
    const up = await uploadFile(deps, ctxOf(user), "early.csv", "a;b\n1;2\n");
    const r = await reingestVersion(t.db, ctxOf(user), {
      versionId: up.versionId,
      options: ZIngestOptions.parse({ delimiter: ";", columns: [{ name: "a", rename: "alpha" }] }),
    });
    expect((await version(up.versionId)).status).toBe("CANCELLED");
    await ingest(up.versionId);
    await ingest(r.versionId);
    const v = await version(r.versionId);
    expect(v.status).toBe("READY");
    expect(v.dataset.readyVersion).toBe(2);
    expect((v.columns as { name: string }[]).map((c) => c.name)).toEqual(["alpha", "b"]);
  });

  it("stops a running ingest that is cancelled and leaves no files", async () => {
    const lines = Array.from({ length: 400_000 }, (_, i) => `${i},name_${i % 977},${i / 7}`);
    const up = await uploadFile(deps, ctxOf(user), "long.csv", ["id,name,x", ...lines, ""].join("\n"));
    const running = ingest(up.versionId);
    // Cancel as soon as the schema preview is saved: before, during or just after the conversion.
    for (;;) {
      const v = await version(up.versionId);
      if (Object.keys(v.detected as object).length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await cancelIngest(t.db, ctxOf(user), up.versionId);
    await running;
    const v = await version(up.versionId);
    expect(v.status).toBe("CANCELLED");
    expect(v.files).toEqual([]);
    const left = [];
    for await (const o of deps.storage.list(`tenants/${user.tenantId}/datasets/${up.datasetId}/`)) left.push(o.key);
    expect(left).toEqual([]);
  });
});
