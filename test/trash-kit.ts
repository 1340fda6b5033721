// What the trash tests share: a tenant on local or S3 storage, datasets made
// by the real ingest task, and views of the quota and the stored objects.
import { Readable } from "node:stream";
import type { Db } from "@scrollintel/core/db/client";
import { tenantPrefix } from "@scrollintel/core/keys";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { WorkerDeps } from "../apps/worker/src/worker-deps";
import { makeIngestTask } from "../apps/worker/src/tasks/ingest";
import { createMember, createTenant, ctxOf, type TestUser } from "./factories";
import { startTestS3, type TestS3 } from "./s3-server";
import { makeWorkerDeps, runTask, uploadFile } from "./worker-harness";

export type Driver = "local" | "s3";

export interface TrashKit {
  deps: WorkerDeps;
  admin: TestUser;
  stop(): Promise<void>;
}

/** Worker deps on the given driver (s3rver for "s3", `env` on top) and an ADMIN of a fresh tenant. */
export async function startTrashKit(db: Db, driver: Driver, env: Record<string, string> = {}): Promise<TrashKit> {
  let s3: TestS3 | null = null;
  let base = makeWorkerDeps(db, env);
  if (driver === "s3") {
    s3 = await startTestS3();
    base.cleanup();
    base = makeWorkerDeps(db, { ...s3.env, ...env });
  }
  const deps = { ...base, storage: driver === "s3" ? createStorage(base.config) : base.storage };
  const admin = await createMember(db, await createTenant(db), "ADMIN");
  return {
    deps,
    admin,
    async stop() {
      base.cleanup();
      await s3?.stop();
    },
  };
}

export async function ingest(deps: WorkerDeps, versionId: string) {
  await runTask(makeIngestTask(deps), { datasetVersionId: versionId });
  const v = await deps.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
  if (v.status !== "READY") throw new Error(`version ${v.version} is ${v.status}: ${v.error}`);
  return v;
}

/** A new dataset from a CSV body, ingested to READY. */
export async function loadDataset(kit: TrashKit, filename: string, csv: string) {
  const up = await uploadFile(kit.deps, ctxOf(kit.admin), filename, csv);
  const v = await ingest(kit.deps, up.versionId);
  return { datasetId: up.datasetId, versionId: v.id, version: v };
}

/** An append of a CSV body to the dataset, ingested to READY. */
export async function appendTo(kit: TrashKit, datasetId: string, csv: string) {
  const body = Buffer.from(csv);
  const ctx = ctxOf(kit.admin);
  const up = await createUpload(kit.deps.db, ctx, {
    filename: "more.csv",
    sizeBytes: BigInt(body.length),
    appendToDatasetId: datasetId,
  });
  await kit.deps.storage.put(up.storageKey, Readable.from([body]));
  await finishUpload(kit.deps.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(body.length) });
  const v = await kit.deps.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { version: "desc" } });
  return ingest(kit.deps, v.id);
}

/** Every object the tenant has in storage, key -> size. */
export async function storedObjects(kit: TrashKit): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const o of kit.deps.storage.list(tenantPrefix(kit.admin.tenantId))) out.set(o.key, o.size);
  return out;
}

export async function storageUsed(kit: TrashKit): Promise<bigint> {
  const q = await kit.deps.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: kit.admin.tenantId } });
  return q.storageBytesUsed;
}

/** Moves a trash item's deletion into the past: how tests reach the end of the trash period. */
export async function deletedDaysAgo(db: Db, trashItemId: string, days: number): Promise<void> {
  await db.trashItem.update({
    where: { id: trashItemId },
    data: { deletedAt: new Date(Date.now() - days * 86_400_000) },
  });
}

/** Sum of the sizes of the objects in `before` that are gone from `after`. */
export function removedBytes(
  before: Map<string, number>,
  after: Map<string, number>,
): { keys: string[]; bytes: bigint } {
  const keys = [...before.keys()].filter((k) => !after.has(k));
  return { keys, bytes: keys.reduce((s, k) => s + BigInt(before.get(k)!), 0n) };
}

export const csvRows = (from: number, n: number) =>
  ["id,city,amount", ...Array.from({ length: n }, (_, i) => `${from + i},${i % 2 ? "Oslo" : "Lima"},${i * 1.5}`)].join(
    "\n",
  ) + "\n";
