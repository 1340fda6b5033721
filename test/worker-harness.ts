import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { JobHelpers, Task } from "graphile-worker";
import { parseConfig } from "@scrollintel/core/config";
import type { Db } from "@scrollintel/core/db/client";
import { createLogger } from "@scrollintel/core/logger";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import type { WorkerDeps } from "../apps/worker/src/worker-deps";

/** Worker dependencies over a real database and a temp directory of local storage. */
export function makeWorkerDeps(db: Db, env: Record<string, string> = {}): WorkerDeps & { cleanup(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-worker-"));
  const config = parseConfig({ DATA_DIR: dataDir, DUCKDB_MEMORY_LIMIT: "512MB", DUCKDB_THREADS: "2", ...env });
  return {
    config,
    db,
    storage: new LocalStorage(path.join(dataDir, "storage")),
    log: createLogger({ name: "test-worker", level: "silent" }),
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

let jobIds = 0;
/** Jobs handlers added through their helpers, newest last (the harness does not run them). */
export const addedJobs: { name: string; payload: unknown }[] = [];

/** Runs a task handler as graphile-worker would, with the attempt numbers given. */
export async function runTask(task: Task, payload: unknown, attempt = { attempts: 1, max_attempts: 3 }): Promise<void> {
  const helpers = {
    job: { id: String(++jobIds), ...attempt },
    getQueueName: () => null,
    addJob: (name: string, p: unknown) => {
      addedJobs.push({ name, payload: p });
      return Promise.resolve();
    },
  } as unknown as JobHelpers;
  await task(payload, helpers);
}

/** What the tus endpoint does for one file: reserve, store the bytes at the server-built key, finish. */
export async function uploadFile(deps: WorkerDeps, ctx: TenantCtx, filename: string, body: string | Buffer) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const up = await createUpload(deps.db, ctx, { filename, sizeBytes: BigInt(bytes.length) });
  await deps.storage.put(up.storageKey, Readable.from([bytes]));
  const { datasetId } = await finishUpload(deps.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(bytes.length) });
  const version = await deps.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { version: "desc" } });
  return { datasetId, versionId: version.id, uploadId: up.uploadId, storageKey: up.storageKey };
}
