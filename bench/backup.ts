// pnpm bench:backup [--gb 2] [--datasets 8]
//
// Fills a tenant with generated datasets (at least --gb GB of ingested
// Parquet; env BENCH_BACKUP_GB), backs the instance up, wipes it (drops the
// database, deletes the data dir), restores into a fresh database and data
// dir, then compares every dataset's row count and row checksum and verifies
// every tenant's audit chain. Progress on stderr; last line JSON
// {"backup_mb_per_s","restore_mb_per_s","datasets","verified", …}. MB are 10^6
// bytes. Uses DATABASE_URL / TEST_DATABASE_URL (an admin connection that may
// create databases) when set, else its own embedded PostgreSQL.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { runBackup } from "@scrollintel/core/backup/run-backup";
import { runRestore } from "@scrollintel/core/backup/run-restore";
import { parseConfig } from "@scrollintel/core/config";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createLogger } from "@scrollintel/core/logger";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { migrateDeploy } from "../prisma/migrate";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { createMember, createTenant } from "../test/factories";
import { datasetSums, verifyAllAuditChains, type DatasetSum } from "./backup-check";
import { ingestGenerated } from "./backup-data";

const out = path.resolve(import.meta.dirname, ".out/backup");
const { values: args } = parseArgs({
  options: {
    gb: { type: "string", default: process.env.BENCH_BACKUP_GB ?? "2" },
    datasets: { type: "string", default: "8" },
  },
});
const say = (s: string) => process.stderr.write(`${s}\n`);
const log = createLogger({ name: "bench-backup", level: "warn" });
const mb = (bytes: number, s: number) => Math.round((bytes / 1e6 / s) * 10) / 10;

async function server(): Promise<{ admin: string; stop: () => Promise<void> }> {
  const admin = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (admin) return { admin, stop: async () => {} };
  const e = await startEmbeddedPostgres({ dir: path.join(out, "pg"), persistent: false, throwaway: true });
  return { admin: e.adminUrl, stop: () => e.stop() };
}

async function createDatabase(admin: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await run(`CREATE DATABASE "${name}"`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

function workerDeps(db: Db, dataDir: string) {
  const config = parseConfig({ DATA_DIR: dataDir, DUCKDB_MEMORY_LIMIT: "1GB", DUCKDB_THREADS: "2" });
  return { config, db, storage: new LocalStorage(path.join(dataDir, "storage")), log };
}

async function fill(url: string, dataDir: string): Promise<Record<string, DatasetSum>> {
  const db = createDb(url);
  const deps = workerDeps(db, dataDir);
  const scratch = path.join(out, "scratch");
  fs.mkdirSync(scratch, { recursive: true });
  const owner = await createMember(
    db,
    await createTenant(db, { slug: "bench", storageBytes: 100n * 1024n ** 3n }),
    "ANALYST",
  );
  const other = await createMember(db, await createTenant(db, { slug: "other" }), "ANALYST");
  await ingestGenerated(deps, other, { name: "small", bytes: 1e6, seed: 999, scratch });
  const target = Number(args.gb) * 1e9;
  const n = Number(args.datasets);
  // Parquet sizes are estimated from row counts; datasets are added until the target is really reached.
  for (let i = 0, stored = 0; stored < target; i++) {
    const t0 = performance.now();
    const bytes = i < n ? target / n : (target - stored) * 1.1;
    await ingestGenerated(deps, owner, { name: `generated_${i}`, bytes, seed: i * 10, scratch });
    stored = Number((await db.datasetVersion.aggregate({ _sum: { storedBytes: true } }))._sum.storedBytes);
    say(
      `dataset ${i + 1} ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${(stored / 1e9).toFixed(2)} GB of Parquet`,
    );
  }
  const sums = await datasetSums(db, deps.storage, scratch);
  await db.$disconnect();
  return sums;
}

function compare(before: Record<string, DatasetSum>, after: Record<string, DatasetSum>): string[] {
  const problems: string[] = [];
  for (const [id, b] of Object.entries(before)) {
    const a = after[id];
    if (b.rows !== b.recordedRows)
      problems.push(`${id}: Parquet has ${b.rows} rows, the version says ${b.recordedRows}`);
    if (!a) problems.push(`${id}: not restored`);
    else if (a.rows !== b.rows || a.checksum !== b.checksum || a.recordedRows !== b.recordedRows)
      problems.push(`${id}: rows ${b.rows} → ${a.rows}, checksum ${b.checksum} → ${a.checksum}`);
  }
  if (Object.keys(after).length !== Object.keys(before).length) problems.push("a different number of datasets");
  return problems;
}

async function main() {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const pgServer = await server();
  const stamp = Date.now().toString(36);
  const source = await createDatabase(pgServer.admin, `si_bench_backup_src_${stamp}`);
  const target = await createDatabase(pgServer.admin, `si_bench_backup_dst_${stamp}`);
  try {
    await migrateDeploy(source.url);
    const sourceDir = path.join(out, "source-data");
    const before = await fill(source.url, sourceDir);

    const dir = path.join(out, "backup");
    let t0 = performance.now();
    const b = await runBackup({
      databaseUrl: source.url,
      storage: new LocalStorage(path.join(sourceDir, "storage")),
      dir,
      log,
    });
    const backupS = (performance.now() - t0) / 1000;
    say(
      `backup: ${(b.bytesRead / 1e9).toFixed(2)} GB (${b.manifest.objects.length} objects) in ${backupS.toFixed(1)} s`,
    );

    await source.drop(); // the disaster: database and data dir gone
    fs.rmSync(sourceDir, { recursive: true, force: true });

    const targetDir = path.join(out, "restored-data");
    const storage = new LocalStorage(path.join(targetDir, "storage"));
    t0 = performance.now();
    const r = await runRestore({ dir, databaseUrl: target.url, target: storage, migrate: migrateDeploy, log });
    const restoreS = (performance.now() - t0) / 1000;
    say(`restore: ${(r.bytes / 1e9).toFixed(2)} GB of objects + database in ${restoreS.toFixed(1)} s`);

    const db = createDb(target.url);
    const after = await datasetSums(db, storage, path.join(out, "scratch"));
    const audit = await verifyAllAuditChains(db);
    await db.$disconnect();
    const problems = [...compare(before, after), ...b.manifest.missing.map((m) => `missing ${m.key}`)];
    if (!audit.ok) problems.push("an audit chain does not verify");
    for (const p of problems) say(`MISMATCH ${p}`);
    say(`audit: ${audit.events} events verified across every tenant`);
    const result = {
      backup_mb_per_s: mb(b.bytesRead, backupS),
      restore_mb_per_s: mb(r.bytes, restoreS),
      datasets: Object.keys(after).length,
      verified: problems.length === 0,
      backup_gb: Math.round(b.bytesRead / 1e7) / 100,
      backup_s: Math.round(backupS * 10) / 10,
      restore_s: Math.round(restoreS * 10) / 10,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.verified) process.exitCode = 1;
  } finally {
    await source.drop();
    await target.drop();
    await pgServer.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  say(`bench:backup failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
