// The real product for the query benchmark: a fresh database (the machine's
// PostgreSQL when BENCH_DATABASE_URL/DATABASE_URL is set, else embedded),
// `next start` and the worker on free ports, and ingest through the product.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { parseConfig } from "@scrollintel/core/config";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { isEncrypted } from "@scrollintel/core/storage/encrypted-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { migrateDeploy } from "../prisma/migrate";
import { seedDemo } from "../prisma/seed";
import { startEmbeddedPostgres, type EmbeddedDb } from "../scripts/embedded-postgres";
import { buildWeb, startProductServers } from "../scripts/product-servers";
import { signInCookie } from "../test/e2e-session";

const TB = 1024n ** 4n;
const BENCH_SECRET = "bench-secret-bench-secret-bench-secret";

export interface Stack {
  baseUrl: string;
  db: Db;
  storage: LocalStorage;
  /** The driver the product reads through (decrypting when encryption is on). */
  tenantStorage: StorageDriver;
  cookie: string;
  analyst: TenantCtx;
  /** The web's session secret and metrics token, for benches that mint sessions or read metrics. */
  secret: string;
  metricsToken: string;
  stop(): Promise<void>;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Starts PostgreSQL (if needed), a migrated and seeded database, web and worker. */
export async function startStack(opts: {
  dataDir: string;
  adminUrl: string | undefined;
  build: boolean;
  log: (line: string) => void;
  /** Runs web and worker with every object encrypted (STORAGE_ENCRYPTION=on). */
  encryption?: boolean;
}): Promise<Stack> {
  let embedded: EmbeddedDb | null = null;
  let adminUrl = opts.adminUrl;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dir: path.join(opts.dataDir, "pg"), persistent: false, throwaway: true });
    adminUrl = embedded.adminUrl;
  }
  const dbName = `si_bench_query_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const databaseUrl = withDb(adminUrl, dbName);
  await migrateDeploy(databaseUrl);
  const db = createDb(databaseUrl);
  await seedDemo(db, { storageBytes: 10n * TB, maxFileBytes: 10n * TB });
  const acme = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
  await db.tenantQuota.update({ where: { tenantId: acme.id }, data: { scanBytesMonthLimit: 1024n * TB } });

  opts.log("starting web and worker (building the web app first if there is no build)…");
  buildWeb({ force: opts.build, quiet: true });
  const dataDir = path.join(opts.dataDir, "product");
  const crypto: Record<string, string> = opts.encryption
    ? { STORAGE_ENCRYPTION: "on", STORAGE_MASTER_KEY: randomBytes(32).toString("base64") }
    : { STORAGE_ENCRYPTION: "off" };
  const servers = await startProductServers({
    databaseUrl,
    dataDir,
    logFile: path.join(opts.dataDir, "servers.log"),
    secret: BENCH_SECRET,
    env: crypto,
  });
  const baseUrl = servers.baseUrl;
  const user = await db.user.findUniqueOrThrow({ where: { email: "analyst@acme.test" } });
  return {
    baseUrl,
    db,
    storage: new LocalStorage(path.join(dataDir, "storage")),
    tenantStorage: createTenantStorage(parseConfig({ DATA_DIR: dataDir, ...crypto }), db),
    cookie: await signInCookie(baseUrl, "analyst@acme.test"),
    secret: BENCH_SECRET,
    metricsToken: servers.metricsToken,
    analyst: {
      tenantId: acme.id,
      role: "ANALYST",
      actor: { type: "USER", id: user.id },
      suspended: false,
      scopes: null,
    },
    async stop() {
      await servers.stop();
      await db.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await a.end();
      await embedded?.stop();
    },
  };
}

/**
 * Ingests a local file through the product: the upload the tus endpoint would
 * finish (quota reserved, bytes at the server-made key, dataset + ingest job
 * in one transaction), then waits for the running worker to make it READY.
 */
export async function ingestFile(stack: Stack, file: string, filename: string) {
  const size = BigInt(fs.statSync(file).size);
  const up = await createUpload(stack.db, stack.analyst, { filename, sizeBytes: size });
  await stack.tenantStorage.put(up.storageKey, fs.createReadStream(file) as Readable);
  const { datasetId } = await finishUpload(stack.db, stack.analyst, { uploadId: up.uploadId, storedBytes: size });
  for (;;) {
    const d = await stack.db.dataset.findUniqueOrThrow({ where: { id: datasetId }, include: { versions: true } });
    const v = d.versions[0]!;
    if (v.status === "READY")
      return {
        name: d.name,
        files: await plainFiles(stack, v.files as string[]),
        rows: v.rowCount,
        storedBytes: v.storedBytes,
      };
    if (v.status === "FAILED") throw new Error(`ingest of ${filename} failed: ${v.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Paths bare DuckDB can read: the Parquet itself, or with encryption on a
 * decrypted copy beside the product's data (the bare baseline never decrypts).
 */
async function plainFiles(stack: Stack, keys: string[]): Promise<string[]> {
  if (!isEncrypted(stack.tenantStorage)) {
    return keys.map((k) => stack.storage.resolve(k));
  }
  const out: string[] = [];
  for (const k of keys) {
    const dest = path.join(path.dirname(stack.storage.root), "bare-plain", k);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    await pipeline(await stack.tenantStorage.get(k), fs.createWriteStream(dest));
    out.push(dest);
  }
  return out;
}

/** One tRPC mutation over HTTP, as any integration would send it (superjson envelope, session cookie). */
export async function trpcMutation<T>(stack: Stack, procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${stack.baseUrl}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: stack.cookie },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${procedure}: ${body.error?.json.message ?? res.status}`);
  return body.result.data.json;
}
