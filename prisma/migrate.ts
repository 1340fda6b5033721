// Offline Prisma migrations. Prisma's CLI downloads a native schema engine,
// which this project cannot rely on; the same engine is published to npm as
// WASM, and with @prisma/adapter-pg it applies our migrations and writes the
// standard _prisma_migrations table, so the real CLI stays compatible.
//
//   tsx prisma/migrate.ts deploy          apply pending migrations (+ job queue schema)
//   tsx prisma/migrate.ts create <name>   new migration from schema.prisma changes
//   tsx prisma/migrate.ts status
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { Logger, runMigrations } from "graphile-worker";
import pg from "pg";
import { APP_ROLE } from "@scrollintel/core/db/scoped";

const prismaDir = path.dirname(fileURLToPath(import.meta.url));
const schemaPath = path.join(prismaDir, "schema.prisma");
const migDir = path.join(prismaDir, "migrations");
const filters = { externalTables: [], externalEnums: [] };

type Engine = Record<string, (input: unknown) => Promise<Record<string, unknown>>>;
interface WasmModule {
  SchemaEngine: { new: (...args: unknown[]) => Promise<Engine> };
  __wbg_set_wasm(exports: unknown): void;
}

// The engine's JS glue is one ES module per process (Node's cache), holding one
// WASM instance: load it once per process, even if this file is loaded twice
// (vitest loads each project's setup separately), and never drive two at once.
const shared = globalThis as unknown as { siSchemaEngine?: Promise<WasmModule>; siMigrateQueue?: Promise<unknown> };

function loadWasm(): Promise<WasmModule> {
  shared.siSchemaEngine ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bg = (await import(path.join(pkgDir, "schema_engine_bg.js"))) as WasmModule;
    const bytes = fs.readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return shared.siSchemaEngine;
}

// Discrete fields, not connectionString: adapter-pg's shadow-db helper spreads
// {database} over the config, and pg gives connectionString precedence.
function pgConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

function schemaFiles() {
  return [{ path: "schema.prisma", content: fs.readFileSync(schemaPath, "utf8") }];
}

function migrationsList() {
  const dirs = fs.existsSync(migDir)
    ? fs
        .readdirSync(migDir)
        .filter((d) => fs.statSync(path.join(migDir, d)).isDirectory())
        .sort()
    : [];
  const lock = path.join(migDir, "migration_lock.toml");
  return {
    baseDir: migDir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lock) ? fs.readFileSync(lock, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: fs.readFileSync(path.join(migDir, d, "migration.sql"), "utf8") },
      },
    })),
  };
}

async function openEngine(databaseUrl: string): Promise<Engine> {
  const bg = await loadWasm();
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pgConfig(databaseUrl)));
  const files = schemaFiles();
  return bg.SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, () => {}, factory);
}

/** Applies every pending Prisma migration, then graphile-worker's own schema. */
export function migrateDeploy(databaseUrl: string): Promise<string[]> {
  const next = (shared.siMigrateQueue ?? Promise.resolve()).then(() => applyAll(databaseUrl));
  shared.siMigrateQueue = next.catch(() => {});
  return next;
}

async function applyAll(databaseUrl: string): Promise<string[]> {
  const engine = await openEngine(databaseUrl);
  try {
    const r = await engine.applyMigrations!({ migrationsList: migrationsList(), filters });
    await runMigrations({ connectionString: databaseUrl, logger: quietLogger() });
    await setupDatabase(databaseUrl);
    return r.appliedMigrationNames as string[];
  } finally {
    (engine as unknown as { free?: () => void }).free?.();
  }
}

/**
 * What migration.sql cannot hold (function bodies, since the offline engine
 * splits on every semicolon) and what must follow graphile-worker's schema:
 * the app role and its grants, the enqueue wrapper, the audit log's
 * append-only trigger and its monthly partitions. Idempotent; runs after
 * every deploy.
 */
async function setupDatabase(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await installAuditGuards(c);
    await c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
    END $$`);
    await c.query(`GRANT ${APP_ROLE} TO CURRENT_USER`).catch(() => undefined); // already a member / superuser
    for (const schema of ["public", "graphile_worker"]) {
      await c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}`);
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${APP_ROLE}`);
      await c.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${APP_ROLE}`);
      await c.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${APP_ROLE}`);
    }
    // The audit log is append-only for the application, and only reachable through its parent
    // table (whose row-level security policies partitions do not inherit): si_ensure_audit_partitions,
    // below, revokes everything on every partition.
    await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEvent" FROM ${APP_ROLE}`);
    // graphile-worker keeps its tables behind row-level security without policies, so the app
    // role enqueues through this definer-rights wrapper, inside the caller's transaction.
    await c.query(`CREATE OR REPLACE FUNCTION si_add_job(task text, payload json, job_key text, max_attempts int, priority int)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT graphile_worker.add_job(task, payload, job_key => job_key, max_attempts => max_attempts, priority => priority)
      $$`);
    await c.query(`REVOKE ALL ON FUNCTION si_add_job(text, json, text, int, int) FROM PUBLIC`);
    await c.query(`GRANT EXECUTE ON FUNCTION si_add_job(text, json, text, int, int) TO ${APP_ROLE}`);
    // The same with graphile-worker's job_key_mode (stream batches keep a compaction's run_at).
    await c.query(`CREATE OR REPLACE FUNCTION si_add_job(task text, payload json, job_key text, max_attempts int, priority int,
        job_key_mode text)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT graphile_worker.add_job(task, payload, job_key => job_key, max_attempts => max_attempts, priority => priority,
          job_key_mode => job_key_mode)
      $$`);
    await c.query(`REVOKE ALL ON FUNCTION si_add_job(text, json, text, int, int, text) FROM PUBLIC`);
    await c.query(`GRANT EXECUTE ON FUNCTION si_add_job(text, json, text, int, int, text) TO ${APP_ROLE}`);
    await installJobLanes(c);
    await c.query("SELECT si_ensure_audit_partitions(3)");
  } finally {
    await c.end();
  }
}

/**
 * Fair share (see "Fair share" in docs/architecture.md): a tenant's jobs go to
 * graphile-worker named queues, which run one job at a time. A tenant gets
 * TenantQuota.workerSlots work lanes `t:<tenantId>:<i>` (ingest, query,
 * export) plus one page lane `t:<tenantId>:page`; a new job joins the lane
 * with the fewest waiting or running jobs. Both functions have definer rights
 * because graphile-worker's tables are closed to the app role.
 */
async function installJobLanes(c: pg.Client): Promise<void> {
  await c.query(`CREATE OR REPLACE FUNCTION si_add_tenant_job(task text, payload json, job_key text, max_attempts int,
      priority int, tenant_id text, lane text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
      scope text := nullif(current_setting('app.tenant_id', true), '');
      slots int;
      q text;
    BEGIN
      IF scope IS NOT NULL AND scope <> tenant_id THEN
        RAISE EXCEPTION 'job for tenant % enqueued in a transaction of tenant %', tenant_id, scope;
      END IF;
      IF lane = 'page' THEN
        q := 't:' || tenant_id || ':page';
      ELSE
        -- One enqueue of a tenant at a time, so concurrent ones count each other's jobs.
        PERFORM pg_advisory_xact_lock(hashtextextended('si_lanes:' || tenant_id, 0));
        SELECT greatest(coalesce(max("workerSlots"), 1), 1) INTO slots FROM "TenantQuota" WHERE "tenantId" = tenant_id;
        SELECT 't:' || tenant_id || ':' || l.i INTO q
          FROM generate_series(0, slots - 1) AS l(i)
          LEFT JOIN graphile_worker._private_job_queues jq ON jq.queue_name = 't:' || tenant_id || ':' || l.i
          LEFT JOIN LATERAL (
            SELECT count(*) AS n FROM graphile_worker._private_jobs j
             WHERE j.job_queue_id = jq.id AND (j.locked_at IS NOT NULL OR j.attempts < j.max_attempts)
          ) load ON true
         ORDER BY coalesce(load.n, 0), l.i
         LIMIT 1;
      END IF;
      PERFORM graphile_worker.add_job(task, payload, queue_name => q, job_key => job_key,
                                      max_attempts => max_attempts, priority => priority);
      RETURN q;
    END $$`);
  await c.query(`REVOKE ALL ON FUNCTION si_add_tenant_job(text, json, text, int, int, text, text) FROM PUBLIC`);
  await c.query(`GRANT EXECUTE ON FUNCTION si_add_tenant_job(text, json, text, int, int, text, text) TO ${APP_ROLE}`);
  // Place of each waiting job in its lane (1 = next), 0 while it runs; only the caller's tenant's lanes.
  await c.query(`CREATE OR REPLACE FUNCTION si_job_lane_positions(job_keys text[])
      RETURNS TABLE (job_key text, queue_name text, pos int)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT j.key, jq.queue_name,
             CASE WHEN j.locked_at IS NOT NULL THEN 0 ELSE 1 + (
               SELECT count(*)::int FROM graphile_worker._private_jobs o
                WHERE o.job_queue_id = j.job_queue_id AND o.is_available AND o.id <> j.id
                  AND (o.priority, o.run_at, o.id) < (j.priority, j.run_at, j.id)) END
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_job_queues jq ON jq.id = j.job_queue_id
       WHERE j.key = ANY(job_keys)
         AND (j.locked_at IS NOT NULL OR j.attempts < j.max_attempts)
         AND split_part(jq.queue_name, ':', 2) = current_setting('app.tenant_id', true)
    $$`);
  await c.query(`REVOKE ALL ON FUNCTION si_job_lane_positions(text[]) FROM PUBLIC`);
  await c.query(`GRANT EXECUTE ON FUNCTION si_job_lane_positions(text[]) TO ${APP_ROLE}`);
  // A cancelled job that has not started leaves its lane, so the jobs behind it move up.
  await c.query(`CREATE OR REPLACE FUNCTION si_remove_waiting_job(job_key text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_job_queues jq
       WHERE j.key = job_key AND j.locked_at IS NULL AND jq.id = j.job_queue_id
         AND split_part(jq.queue_name, ':', 2) = current_setting('app.tenant_id', true)
    $$`);
  await c.query(`REVOKE ALL ON FUNCTION si_remove_waiting_job(text) FROM PUBLIC`);
  await c.query(`GRANT EXECUTE ON FUNCTION si_remove_waiting_job(text) TO ${APP_ROLE}`);
}

async function installAuditGuards(c: pg.Client): Promise<void> {
  await c.query(`CREATE OR REPLACE FUNCTION si_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await c.query(`DROP TRIGGER IF EXISTS audit_append_only ON "AuditEvent"`);
  await c.query(`CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION si_refuse_audit_change()`);
  await c.query(`DROP TRIGGER IF EXISTS audit_no_truncate ON "AuditEvent"`);
  await c.query(`CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON "AuditEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION si_refuse_audit_change()`);
  // Monthly partitions from last month to N months ahead. A month whose rows already sit in the
  // default partition is left there (moving them would need the DELETE the trigger refuses).
  await c.query(`CREATE OR REPLACE FUNCTION si_ensure_audit_partitions(months_ahead int) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
      m date;
      part text;
    BEGIN
      FOR i IN -1..months_ahead LOOP
        m := (date_trunc('month', now()) + make_interval(months => i))::date;
        part := format('AuditEvent_%s', to_char(m, 'YYYY_MM'));
        CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
        CONTINUE WHEN EXISTS (SELECT 1 FROM public."AuditEvent_default"
                              WHERE "createdAt" >= m AND "createdAt" < (m + interval '1 month'));
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public."AuditEvent" FOR VALUES FROM (%L) TO (%L)',
                       part, m, (m + interval '1 month')::date);
      END LOOP;
      -- Every partition, also those of earlier runs: a deploy's GRANT ... ON ALL TABLES reaches
      -- them too, and a partition does not have its parent's row-level security.
      FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'public."AuditEvent"'::regclass LOOP
        EXECUTE format('REVOKE ALL ON public.%I FROM ${APP_ROLE}', part);
      END LOOP;
    END $$`);
}

async function createMigration(databaseUrl: string, name: string) {
  // Diff against the schema snapshot stored with the last migration: the WASM
  // engine cannot diff a live database or use a shadow database.
  const engine = await openEngine(databaseUrl);
  const dirs = migrationsList().migrationDirectories.map((d) => d.path);
  const last = dirs.at(-1);
  const snap = last ? path.join(migDir, last, "schema.prisma") : undefined;
  const from =
    snap && fs.existsSync(snap)
      ? { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: fs.readFileSync(snap, "utf8") }] }
      : { tag: "empty" };
  const files = schemaFiles();
  const r = await engine.diff!({ from, to: { tag: "schemaDatamodel", files }, script: true, exitCode: null, filters });
  const sql = String(r.stdout ?? "");
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) return console.info("no changes");
  const ts = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migDir, `${ts}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  fs.writeFileSync(path.join(dir, "schema.prisma"), files[0]!.content);
  const lock = path.join(migDir, "migration_lock.toml");
  if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'provider = "postgresql"\n');
  console.info(`created ${path.relative(process.cwd(), dir)}`);
}

function quietLogger() {
  return new Logger(() => (level, message) => {
    if (level === "error") console.error(message);
  });
}

async function main() {
  const [cmd, name] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must be set (the start script sets it for the embedded database)");
  if (cmd === "deploy") console.info("applied:", await migrateDeploy(url));
  else if (cmd === "create") await createMigration(url, name ?? "migration");
  else if (cmd === "status") {
    const engine = await openEngine(url);
    const r = await engine.diagnoseMigrationHistory!({
      migrationsList: migrationsList(),
      optInToShadowDatabase: false,
      filters,
    });
    console.info(JSON.stringify(r, null, 1));
  } else throw new Error("usage: migrate.ts deploy | create <name> | status");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
