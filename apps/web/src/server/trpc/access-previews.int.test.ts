// Masks and row filters outside the sandbox, tried through the tRPC API as a
// masked or row-filtered analyst would: the review preview of a re-upload or
// append, skipped rows, row counts in lists, version rows and profiles.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetPolicy } from "@scrollintel/core/access/policy";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import {
  createAccessGroup,
  setAccessGroupMembers,
  setMemberAttributes,
} from "@scrollintel/core/services/access-group-service";
import { setDatasetPolicy } from "@scrollintel/core/services/access-policy-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { makeIngestTask } from "../../../../worker/src/tasks/ingest";
import { makeInspectUploadTask } from "../../../../worker/src/tasks/inspect-upload";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor } from "../../../../../test/trpc-caller";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../../test/worker-harness";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let admin: TestUser;
let masked: TestUser;
let filtered: TestUser;
let outsider: TestUser;
let customersId = "";
let plansId = "";

const HEADER = "id,email,region,salary";
const CUSTOMERS = [HEADER, "1,alice@example.com,EU,100", "2,bob@example.com,US,200", "3,carol@example.org,EU,300"];
// Rows an append adds: their values must not show in clear to a masked reader, nor at all to a filtered one.
const MORE = [HEADER, "4,dave@example.net,US,400", "5,erin@example.net,EU,500"];
const RAW = [/alice/, /bob@/, /carol@/, /dave@/, /erin@/, /\b100\b/, /\b400\b/, /\b500\b/];

function leaks(value: unknown): string[] {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return RAW.filter((raw) => raw.test(text)).map((raw) => raw.source);
}

const ANALYST = { kind: "role", role: "ANALYST" } as const;

async function ingest(u: TestUser, name: string, lines: string[]) {
  const up = await uploadFile(deps, ctxOf(u), name, lines.join("\n") + "\n");
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  return up.datasetId;
}

/** What the append form does: an upload to an existing dataset, parked for review, then previewed by the worker. */
async function appendForReview(ctx: TenantCtx, datasetId: string, lines: string[]) {
  const body = Buffer.from(lines.join("\n") + "\n");
  const up = await createUpload(t.db, ctx, {
    filename: "more.csv",
    sizeBytes: BigInt(body.length),
    appendToDatasetId: datasetId,
    intake: { review: true },
  });
  await deps.storage.put(up.storageKey, Readable.from([body]));
  await finishUpload(t.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
  const v = await t.db.datasetVersion.findFirstOrThrow({ where: { uploadId: up.uploadId } });
  await runTask(makeInspectUploadTask(deps), { datasetVersionId: v.id });
  return v.id;
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  const acme = await createTenant(t.db, { slug: "acme" });
  admin = await createMember(t.db, acme, "ADMIN");
  masked = await createMember(t.db, acme, "ANALYST");
  filtered = await createMember(t.db, acme, "ANALYST");
  outsider = await createMember(t.db, acme, "ANALYST");
  await setMemberAttributes(t.db, ctxOf(admin), { userId: filtered.id, attributes: { region: "EU" } });
  const regional = await createAccessGroup(t.db, ctxOf(admin), { name: "regional" });
  await setAccessGroupMembers(t.db, ctxOf(admin), { groupId: regional.id, userIds: [filtered.id] });
  const planners = await createAccessGroup(t.db, ctxOf(admin), { name: "planners" });
  customersId = await ingest(admin, "customers.csv", CUSTOMERS);
  plansId = await ingest(admin, "plans.csv", ["plan", "take over globex"]);
  const policy: DatasetPolicy = {
    visibility: "everyone",
    allow: [],
    masks: [
      { column: "email", method: "partial", subjects: [ANALYST] },
      { column: "salary", method: "nullify", subjects: [ANALYST] },
    ],
    rowFilters: [{ predicate: "region = user.region", subjects: [{ kind: "group", groupId: regional.id }] }],
  };
  await setDatasetPolicy(t.db, ctxOf(admin), { datasetId: customersId, policy });
  await setDatasetPolicy(t.db, ctxOf(admin), {
    datasetId: plansId,
    policy: { visibility: "restricted", allow: [{ kind: "group", groupId: planners.id }], masks: [], rowFilters: [] },
  });
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("the review preview of an append or re-upload", () => {
  let versionId = "";

  it("shows a masked analyst its own appended rows masked", async () => {
    versionId = await appendForReview(ctxOf(masked), customersId, MORE);
    const s = await callerFor(t.db, masked).dataset.intake({ versionId });
    expect(s.status).toBe("AWAITING_REVIEW");
    expect(s.preview!.rows.map((r) => r.id)).toEqual(["4", "5"]);
    expect(s.preview!.rows[0]).toMatchObject({ email: "d***@example.net", region: "US", salary: null });
    expect(s.masks).toEqual({ email: "partial", salary: "nullify" });
    expect(s.rowsHidden).toBe(false);
    expect(leaks(s)).toEqual([]);
  });

  it("shows a row-filtered analyst none of the preview's rows, and says so", async () => {
    const s = await callerFor(t.db, filtered).dataset.intake({ versionId });
    expect(s.preview!.rows).toEqual([]);
    expect(s.rowsHidden).toBe(true);
    // The columns and options stay: they are what the form edits.
    expect(s.preview!.columns.map((c) => c.name)).toEqual(["id", "email", "region", "salary"]);
    expect(leaks(s)).toEqual([]);
  });

  it("keeps the preview masked after new reading options are previewed", async () => {
    const caller = callerFor(t.db, masked);
    const before = await caller.dataset.intake({ versionId });
    await caller.dataset.updatePreview({ versionId, options: { ...before.options, header: true } });
    await runTask(makeInspectUploadTask(deps), { datasetVersionId: versionId });
    const s = await caller.dataset.intake({ versionId });
    expect(s.preview!.rows.length).toBe(2);
    expect(leaks(s)).toEqual([]);
  });

  it("shows the admin, whom no mask covers, the rows as read", async () => {
    const s = await callerFor(t.db, admin).dataset.intake({ versionId });
    expect(s.preview!.rows[0]).toMatchObject({ email: "dave@example.net", salary: "400" });
  });

  it("is NOT_FOUND for a version of a dataset the reader's policy hides", async () => {
    const v = await appendForReview(ctxOf(admin), plansId, ["plan", "and initech"]);
    await expect(callerFor(t.db, outsider).dataset.intake({ versionId: v })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses an append to a dataset the uploader's policy hides as NOT_FOUND", async () => {
    await expect(appendForReview(ctxOf(outsider), plansId, ["plan", "sneak in"])).rejects.toThrow(/not found/i);
  });
});

describe("duplicate offers", () => {
  async function uploadAsking(u: TestUser, lines: string[]) {
    const up = await uploadFile(deps, ctxOf(u), "again.csv", lines.join("\n") + "\n", { onDuplicate: "ask" });
    await runTask(makeInspectUploadTask(deps), { datasetVersionId: up.versionId });
    return callerFor(t.db, u).dataset.intake({ versionId: up.versionId });
  }

  it("never names a dataset the uploader's policy hides, so an upload cannot confirm what it holds", async () => {
    const s = await uploadAsking(outsider, ["plan", "take over globex"]);
    expect(s.status).not.toBe("AWAITING_DUPLICATE");
    expect(s.duplicateOf).toBeNull();
    expect(JSON.stringify(s)).not.toContain(plansId);
  });

  it("still offers a dataset the uploader may see", async () => {
    const openId = await ingest(admin, "open.csv", ["n", "1", "2"]);
    const s = await uploadAsking(outsider, ["n", "1", "2"]);
    expect(s.status).toBe("AWAITING_DUPLICATE");
    expect(s.duplicateOf?.datasetId).toBe(openId);
  });
});

describe("skipped rows", () => {
  it("lists no raw lines to a masked or filtered analyst, and all of them to the admin", async () => {
    const bad = [HEADER, "6,frank@example.net,EU,600", "x7,erin@example.net,EU,500"];
    const ctx = ctxOf(admin);
    const body = Buffer.from(bad.join("\n") + "\n");
    const up = await createUpload(t.db, ctx, {
      filename: "bad.csv",
      sizeBytes: BigInt(body.length),
      appendToDatasetId: customersId,
      options: ZIngestOptions.parse({ badRows: "skip", maxRejectPercent: 100 }),
    });
    await deps.storage.put(up.storageKey, Readable.from([body]));
    await finishUpload(t.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { uploadId: up.uploadId } });
    await runTask(makeIngestTask(deps), { datasetVersionId: v.id });
    const all = await callerFor(t.db, admin).dataset.rejects({ versionId: v.id });
    expect(all.items.length).toBeGreaterThan(0);
    expect(leaks(all.items)).toContain("erin@");
    for (const u of [masked, filtered]) {
      const r = await callerFor(t.db, u).dataset.rejects({ versionId: v.id });
      expect(r).toMatchObject({ items: [], hiddenByPolicy: true });
      expect(leaks(r)).toEqual([]);
    }
    expect((await callerFor(t.db, masked).dataset.rejects({ versionId: v.id })).total).toBe(all.total);
    expect((await callerFor(t.db, filtered).dataset.rejects({ versionId: v.id })).total).toBeNull();
  });
});

describe("row counts and profiles", () => {
  it("gives a row-filtered analyst no row counts in the list, the search or the dataset", async () => {
    const caller = callerFor(t.db, filtered);
    const listed = (await caller.dataset.list()).find((d) => d.id === customersId)!;
    expect(listed.countsHidden).toBe(true);
    expect(listed.current).toMatchObject({ rowCount: null, ingestedRows: null, recordsRead: null });
    const found = (await caller.dataset.search({ search: "customers" })).items[0]!;
    expect(found.current!.rowCount).toBeNull();
    const d = await caller.dataset.get({ id: customersId });
    expect(d.countsHidden).toBe(true);
    for (const v of d.versions) expect(v).toMatchObject({ rowCount: null, rejectedRows: null, recordsRead: null });
    for (const p of d.current!.profile) {
      expect(p).toMatchObject({ count: null, sampleRows: null, min: null, max: null, top: [], histogram: [] });
    }
    expect(d.preview).toEqual([]);
    expect((await caller.query.schema()).find((s) => s.datasetId === customersId)!.rowCount).toBeNull();
  });

  it("keeps counts for a masked analyst without a row filter, but no statistics of masked columns", async () => {
    const d = await callerFor(t.db, masked).dataset.get({ id: customersId });
    expect(d.countsHidden).toBe(false);
    expect(d.current!.rowCount).not.toBeNull();
    const salary = d.current!.profile.find((p) => p.name === "salary")!;
    expect(salary).toMatchObject({ masked: "nullify", min: null, max: null, mean: null, histogram: [] });
    const email = d.current!.profile.find((p) => p.name === "email")!;
    expect(email).toMatchObject({ masked: "partial", top: [] });
    expect(leaks(d.current!.profile)).toEqual([]);
    expect(leaks(d.preview)).toEqual([]);
  });

  it("shows the admin every count", async () => {
    const d = await callerFor(t.db, admin).dataset.get({ id: customersId });
    expect(d.countsHidden).toBe(false);
    expect(d.current!.profile[0]!.count).toBe(Number(d.current!.rowCount));
  });
});
