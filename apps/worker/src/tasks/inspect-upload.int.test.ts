// The step before an ingest, through the real worker tasks: a preview read
// from the file's head with the chosen options, re-previewed when they
// change, and an ingest that reads with exactly the options confirmed.
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import { parseVersionIntake } from "@scrollintel/core/intake-options";
import { cancelIngest } from "@scrollintel/core/services/dataset-version-service";
import { finishInspection } from "@scrollintel/core/services/intake-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { DEAD_WORKER_INSPECT_ERROR, settleOrphanedWork } from "@scrollintel/core/services/orphaned-work-service";
import { getIntakeState, startReviewedIngest, updatePreview } from "@scrollintel/core/services/intake-decision-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { PREVIEW_HEAD_BYTES } from "../duck/preview-source";
import { makeIngestTask } from "./ingest";
import { makeInspectUploadTask, PREVIEW_ROWS } from "./inspect-upload";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;

const inspect = (id: string) => runTask(makeInspectUploadTask(deps), { datasetVersionId: id });
const ingest = (id: string) => runTask(makeIngestTask(deps), { datasetVersionId: id });
const version = (id: string) => t.db.datasetVersion.findUniqueOrThrow({ where: { id }, include: { dataset: true } });
const job = (id: string) => t.db.job.findFirstOrThrow({ where: { targetId: id, kind: "ingest" } });
const options = (o: object) => ZIngestOptions.parse(o);

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

// Larger than the preview's head, so the preview reads a cut of it: ~6 MB, 200,000 rows.
const ROWS = 200_000;
const BIG = ["id;name;amount", ...Array.from({ length: ROWS }, (_, i) => `${i + 1};name ${i + 1};${i % 100}.5`)].join(
  "\n",
);

describe("preview before committing", () => {
  let versionId = "";

  it("parks the upload with the first rows and the detected schema, read from the file's head", async () => {
    expect(Buffer.byteLength(BIG)).toBeGreaterThan(PREVIEW_HEAD_BYTES);
    const up = await uploadFile(deps, ctxOf(user), "people.csv", BIG, { review: true });
    versionId = up.versionId;
    expect((await version(versionId)).status).toBe("INSPECTING");
    await inspect(versionId);
    const v = await version(versionId);
    expect(v.status).toBe("AWAITING_REVIEW");
    expect(v.dataset.status).toBe("AWAITING_REVIEW");
    expect((await job(versionId)).status).toBe("WAITING");
    const s = await getIntakeState(t.db, ctxOf(user), versionId);
    const p = s.preview!;
    expect(p.error).toBeNull();
    expect(p.wholeFile).toBe(false);
    expect(p.dialect?.delimiter).toBe(";");
    expect(p.sourceColumns.map((c) => c.name)).toEqual(["id", "name", "amount"]);
    expect(p.rows).toHaveLength(PREVIEW_ROWS);
    // BIGINT comes as text (JSON-safe), as in every preview.
    expect(p.sourceColumns.map((c) => c.type)).toEqual(["BIGINT", "VARCHAR", "DOUBLE"]);
    expect(p.rows[0]).toEqual({ id: "1", name: "name 1", amount: 0.5 });
    expect(p.rows[49]).toEqual({ id: "50", name: "name 50", amount: 49.5 });
    // Nothing was converted: the version has no parts and no rows yet.
    expect(v.rowCount).toBe(0n);
  });

  it("re-previews with changed options: no header, then renames and a type", async () => {
    await updatePreview(t.db, ctxOf(user), { versionId, options: options({ header: false }) });
    expect((await version(versionId)).status).toBe("INSPECTING");
    expect((await job(versionId)).status).toBe("QUEUED");
    await inspect(versionId);
    let p = (await getIntakeState(t.db, ctxOf(user), versionId)).preview!;
    expect(p.options.header).toBe(false);
    expect(Object.values(p.rows[0]!)).toEqual(["id", "name", "amount"]);

    const chosen = options({
      header: true,
      delimiter: ";",
      columns: [
        { name: "name", rename: "customer" },
        { name: "id", type: "VARCHAR" },
      ],
    });
    await updatePreview(t.db, ctxOf(user), { versionId, options: chosen });
    await inspect(versionId);
    p = (await getIntakeState(t.db, ctxOf(user), versionId)).preview!;
    expect(p.columns).toEqual([
      { name: "id", type: "VARCHAR" },
      { name: "customer", type: "VARCHAR" },
      { name: "amount", type: "DOUBLE" },
    ]);
    expect(p.rows[0]).toEqual({ id: "1", customer: "name 1", amount: 0.5 });
  });

  it("starts the ingest, which reads with exactly the options previewed", async () => {
    await startReviewedIngest(t.db, ctxOf(user), { versionId });
    expect((await version(versionId)).status).toBe("QUEUED");
    expect((await job(versionId)).status).toBe("QUEUED");
    await ingest(versionId);
    const v = await version(versionId);
    expect(v.status).toBe("READY");
    expect(v.rowCount).toBe(BigInt(ROWS));
    expect(v.columns).toEqual([
      { name: "id", type: "VARCHAR" },
      { name: "customer", type: "VARCHAR" },
      { name: "amount", type: "DOUBLE" },
    ]);
    const events = await t.db.auditEvent.findMany({ where: { target: v.datasetId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["dataset.preview", "dataset.ingest.start", "dataset.ready"]),
    );
  });

  it("previews a gzip file from its head without reading it all, and says why options fail", async () => {
    const bad = BIG.replace("\n3;name 3;2.5\n", "\n3;name 3;oops\n");
    const up = await uploadFile(deps, ctxOf(user), "people.csv.gz", gzipSync(bad), { review: true });
    await inspect(up.versionId);
    let p = (await getIntakeState(t.db, ctxOf(user), up.versionId)).preview!;
    expect(p.compression).toBe("gzip");
    expect(p.rows[1]).toEqual({ id: "2", name: "name 2", amount: "1.5" });
    expect(p.columns.find((c) => c.name === "amount")!.type).toBe("VARCHAR");

    await updatePreview(t.db, ctxOf(user), {
      versionId: up.versionId,
      options: options({ columns: [{ name: "amount", type: "DOUBLE" }] }),
    });
    await inspect(up.versionId);
    p = (await getIntakeState(t.db, ctxOf(user), up.versionId)).preview!;
    expect(p.error).toMatch(/people\.csv\.gz, line 4, column "amount".*oops/);
    expect((await version(up.versionId)).status).toBe("AWAITING_REVIEW");

    await updatePreview(t.db, ctxOf(user), {
      versionId: up.versionId,
      options: options({ badRows: "skip", columns: [{ name: "amount", type: "DOUBLE" }] }),
    });
    await inspect(up.versionId);
    p = (await getIntakeState(t.db, ctxOf(user), up.versionId)).preview!;
    expect(p.error).toBeNull();
    expect(p.rows.map((r) => r.id).slice(0, 3)).toEqual(["1", "2", "4"]);
  });

  it("a stale inspection (options changed while it ran) writes nothing; the newer one does", async () => {
    const up = await uploadFile(deps, ctxOf(user), "small.csv", "a,b\n1,2\n3,4\n", { review: true });
    await updatePreview(t.db, ctxOf(user), { versionId: up.versionId, options: options({ header: false }) });
    // What a run that claimed the version before the change reports:
    const stale = await finishInspection(t.db, up.versionId, {
      sha256: "0".repeat(64),
      preview: null,
      options: options({}),
    });
    expect(stale.state).toBe("stale");
    expect((await version(up.versionId)).status).toBe("INSPECTING");
    await inspect(up.versionId);
    const p = parseVersionIntake((await version(up.versionId)).intake).preview!;
    expect(p.options.header).toBe(false);
    expect(p.rows).toHaveLength(3);
  });

  it("a parked version can be cancelled; the API default starts at once", async () => {
    const up = await uploadFile(deps, ctxOf(user), "c.csv", "a\n1\n", { review: true });
    await inspect(up.versionId);
    await cancelIngest(t.db, ctxOf(user), up.versionId);
    expect((await version(up.versionId)).status).toBe("CANCELLED");
    expect((await job(up.versionId)).status).toBe("CANCELLED");

    const now = await uploadFile(deps, ctxOf(user), "d.csv", "a\n1\n");
    expect((await version(now.versionId)).status).toBe("QUEUED");
  });

  it("an inspection whose worker died on every attempt fails its version instead of leaving it INSPECTING", async () => {
    const up = await uploadFile(deps, ctxOf(user), "e.csv", "a\n1\n", { review: true });
    await t.db.$executeRaw`
      UPDATE graphile_worker._private_jobs SET attempts = max_attempts, locked_by = NULL
       WHERE key = ${`inspect:${up.versionId}`}`;
    await settleOrphanedWork(t.db);
    const v = await version(up.versionId);
    expect(v).toMatchObject({ status: "FAILED", error: DEAD_WORKER_INSPECT_ERROR });
    expect(v.dataset.status).toBe("FAILED");
    expect((await job(up.versionId)).status).toBe("FAILED");
  });

  it("previews an append as it will be read: into the dataset's columns and types", async () => {
    const base = await uploadFile(deps, ctxOf(user), "base.csv", "id,amount\n1,1.5\n2,2.5\n");
    await ingest(base.versionId);
    const up = await createUpload(t.db, ctxOf(user), {
      filename: "more.csv",
      sizeBytes: 14n,
      appendToDatasetId: base.datasetId,
      intake: { review: true, onDuplicate: "ask" },
    });
    await deps.storage.put(up.storageKey, Readable.from([Buffer.from("id,amount\n3,4\n")]));
    await finishUpload(t.db, ctxOf(user), { uploadId: up.uploadId, storedBytes: 14n });
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: base.datasetId, version: 2 } });
    await inspect(v.id);
    const s = await getIntakeState(t.db, ctxOf(user), v.id);
    expect(s).toMatchObject({ status: "AWAITING_REVIEW", append: true, onDuplicate: "keep" });
    expect(s.preview!.columns).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "amount", type: "DOUBLE" },
    ]);
    expect(s.preview!.rows).toEqual([{ id: "3", amount: 4 }]);
  });
});
