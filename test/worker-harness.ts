import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { JobHelpers, Task } from "graphile-worker";
import { parseConfig } from "@scrollintel/core/config";
import type { Db } from "@scrollintel/core/db/client";
import type { UploadIntake } from "@scrollintel/core/intake-options";
import { createLogger } from "@scrollintel/core/logger";
import { acceptEventBatch } from "@scrollintel/core/services/event-ingest-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import type { WorkerDeps } from "../apps/worker/src/worker-deps";
import { freePort } from "../scripts/free-port";
import { ctxOf, type TestUser } from "./factories";

/**
 * Worker dependencies over a real database and a temp directory of local storage,
 * encrypted when `env` or TEST_STORAGE_ENCRYPTION says STORAGE_ENCRYPTION=on (the
 * storage, ingest and query suites run either way).
 */
export function makeWorkerDeps(db: Db, env: Record<string, string> = {}): WorkerDeps & { cleanup(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-worker-"));
  const config = parseConfig({
    DATA_DIR: dataDir,
    DUCKDB_MEMORY_LIMIT: "512MB",
    DUCKDB_THREADS: "2",
    STORAGE_ENCRYPTION: process.env.TEST_STORAGE_ENCRYPTION,
    ...env,
  });
  return {
    config,
    db,
    storage: config.storageEncryption
      ? createTenantStorage(config, db)
      : new LocalStorage(path.join(dataDir, "storage")),
    log: createLogger({ name: "test-worker", level: "silent" }),
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

let jobIds = 0;
/** Jobs handlers added through their helpers, newest last (the harness does not run them). */
export const addedJobs: { name: string; payload: unknown }[] = [];

/**
 * Runs a task handler as graphile-worker would, with the attempt numbers
 * given (and, to act as a given worker pool on a real job row, its id and lock).
 */
export async function runTask(
  task: Task,
  payload: unknown,
  attempt: { attempts: number; max_attempts: number; id?: string; locked_by?: string } = {
    attempts: 1,
    max_attempts: 3,
  },
): Promise<void> {
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
export async function uploadFile(
  deps: WorkerDeps,
  ctx: TenantCtx,
  filename: string,
  body: string | Buffer,
  intake?: Partial<UploadIntake>,
) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const up = await createUpload(deps.db, ctx, { filename, sizeBytes: BigInt(bytes.length), intake });
  await deps.storage.put(up.storageKey, Readable.from([bytes]));
  const { datasetId } = await finishUpload(deps.db, ctx, { uploadId: up.uploadId, storedBytes: BigInt(bytes.length) });
  const version = await deps.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { version: "desc" } });
  return { datasetId, versionId: version.id, uploadId: up.uploadId, storageKey: up.storageKey };
}

const repoRoot = path.resolve(import.meta.dirname, "..");

export interface WorkerProcess {
  child: ChildProcess;
  healthPort: number;
  /** GET /health: the status code, or null while the port does not answer. */
  health(): Promise<number | null>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

/** The real worker (apps/worker/src/main.ts) as a child process, on its own health port. */
export async function spawnWorker(opts: {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
}): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      DATA_DIR: opts.dataDir,
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_CONCURRENCY: "1",
      DUCKDB_MEMORY_LIMIT: "512MB",
      DUCKDB_THREADS: "2",
      LOG_LEVEL: "warn",
      ...opts.env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const health = async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${healthPort}/health`, { signal: AbortSignal.timeout(5000) });
      return r.status;
    } catch {
      return null;
    }
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  return { child, healthPort, health, kill };
}

/** Polls `probe` every 100 ms until it returns a truthy value; errors count as "not yet". */
export async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`gave up waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A CSV of `rows` rows (id, name, x, day) written in chunks: the fault tests' source file. */
export async function writeCsv(file: string, rows: number): Promise<void> {
  async function* lines() {
    yield "id,name,x,day\n";
    for (let i = 0; i < rows; i += 10_000) {
      let chunk = "";
      for (let j = i; j < Math.min(rows, i + 10_000); j++)
        chunk += `${j},name_${j % 977},${j / 7},2024-01-${(j % 28) + 1}\n`;
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), fs.createWriteStream(file));
}

/**
 * What POST /api/events does with one NDJSON batch from `member` into the
 * stream `name` (made on its first batch), with limits no test reaches.
 */
export async function sendEvents(deps: WorkerDeps, member: TestUser, name: string, lines: Iterable<string>) {
  const body = Readable.from(
    (function* () {
      for (const l of lines) yield Buffer.from(l + "\n");
    })(),
  );
  return acceptEventBatch(deps.db, deps.storage, {
    tenantId: member.tenantId,
    actor: member.id,
    reader: ctxOf(member),
    datasetName: name,
    body,
    encoding: "identity",
    maxBytes: 10 * 1024 * 1024,
    limits: { maxLagBytes: 1e9, maxLagSeconds: 1e9 },
  });
}
