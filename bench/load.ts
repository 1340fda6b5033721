// pnpm bench:load [--seconds 60] [--users 1000] [--tenants 5] [--build] [--cpu-prof DIR] [--per-op SECONDS]
//
// A thousand signed-in users on the real product (`next start` + the worker on
// a database made for the run: the machine's PostgreSQL when DATABASE_URL is
// set, else an embedded one), driven over undici on the read paths: dataset
// list, dataset page, usage summary, saved queries, a cached query.run, a
// result page, plus a share of uncached queries. Two phases in one run:
//  (a) open loop: each user sends a request every 2 s on average (Poisson
//      arrivals, ~500 requests/s offered over 1,000 connections); a request's
//      latency counts from when it was due, so a slow server cannot hide its
//      queue (no coordinated omission);
//  (b) closed loop on the same 1,000 connections: the same mix as fast as it
//      answers, then the bare /api/health route, the framework's ceiling here.
// An error is a 5xx, a timeout, a refused connection, any other 4xx, or a 429
// without Retry-After; a 429 with Retry-After is an answer, and each phase
// lists them by operation (`limited_kinds`; "(busy)" when the web was at its
// capacity: shed at the door past WEB_MAX_BUSY_REQUESTS, or no database
// connection in time). The saturation rate counts work done: 200s, and 429s
// only for uncached queries refused for their workspace's job slots (a request
// shed as busy is not throughput). In the closed loops a connection told to
// come back after Retry-After seconds does, as tRPC's clients back off. Each phase also says how much CPU the web
// process spent per answer (`web_cpu_ms_per_req`, from /proc): on a shared
// machine that figure moves far less with the neighbours than the rates do;
// and the generator's own event-loop delay (`generator_lag_p99_ms`), the part
// of a latency that is the generator's.
// --per-op SECONDS is a diagnostic run instead of (a) and (b): each operation alone, closed loop on 100
// connections (below the point where queues hide costs), with the web's CPU per answer, so it says which
// operation the time goes to.
// --cpu-prof DIR writes a V8 CPU profile of the web over the saturation run of the mix to DIR (with
// --per-op, one per operation). Last line JSON:
// {"users","offered_rps","p99_ms","errors","saturation_rps","health_rps","ratio","web_peak_rss_mb"}
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { Client } from "undici";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { busy } from "@scrollintel/core/errors";
import { hashPassword } from "@scrollintel/core/passwords";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { migrateDeploy } from "../prisma/migrate";
import { startEmbeddedPostgres, type EmbeddedDb } from "../scripts/embedded-postgres";
import { buildWeb, startProductServers } from "../scripts/product-servers";
import { signInCookie } from "../test/e2e-session";
import { peakRssMib, pidListeningOn, treeCpuMs } from "./server-memory";
import { percentile, round } from "./stats";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    users: { type: "string", default: "1000" },
    tenants: { type: "string", default: "5" },
    build: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    "per-op": { type: "string" },
  },
});
const OPEN_S = Number(args.seconds);
const SATURATION_S = Math.min(30, Math.max(5, OPEN_S / 2));
const USERS = Number(args.users);
const TENANTS = Number(args.tenants);
const MEAN_GAP_MS = 2_000;
const TIMEOUT_MS = 15_000;
const WARMUP_S = 5;
const PASSWORD = "bench-load-password";
const ROWS = 20_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);
const load1m = () => round(os.loadavg()[0]!);

interface TenantFixture {
  slug: string;
  datasetId: string;
  cachedSql: string;
  cachedRunId: string;
}
interface User {
  cookie: string;
  tenant: TenantFixture;
  client: Client;
}

/** The read mix (weights in percent); uncached queries are the share that reaches the workers. */
const MIX: { name: string; weight: number }[] = [
  { name: "dataset.list", weight: 18 },
  { name: "dataset.get", weight: 16 },
  { name: "usage.summary", weight: 15 },
  { name: "savedQuery.list", weight: 15 },
  { name: "query.run (cached)", weight: 16 },
  { name: "query.page", weight: 15 },
  { name: "query.run (uncached)", weight: 5 },
];
const TOTAL_WEIGHT = MIX.reduce((s, m) => s + m.weight, 0);

function pick(): string {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const m of MIX) if ((r -= m.weight) < 0) return m.name;
  return MIX[0]!.name;
}

const q = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

function requestFor(op: string, u: User, baseUrl: string) {
  const headers = { cookie: u.cookie, "content-type": "application/json", origin: baseUrl };
  const get = (proc: string, input?: unknown) => ({
    method: "GET" as const,
    path: `/api/trpc/${proc}${input === undefined ? "" : q(input)}`,
    headers,
  });
  const post = (proc: string, input: unknown) => ({
    method: "POST" as const,
    path: `/api/trpc/${proc}`,
    headers,
    body: JSON.stringify({ json: input }),
  });
  const t = u.tenant;
  switch (op) {
    case "dataset.list":
      return get("dataset.list");
    case "dataset.get":
      return get("dataset.get", { id: t.datasetId });
    case "usage.summary":
      return get("usage.summary");
    case "savedQuery.list":
      return get("savedQuery.list");
    case "query.run (cached)":
      return post("query.run", { sql: t.cachedSql, waitMs: 5_000 });
    case "query.page":
      return get("query.page", { id: t.cachedRunId, page: 0, waitMs: 0 });
    case "query.run (uncached)":
      // waitMs 0: the answer says QUEUED (or 429 when the workspace's job slots are full), no request waits on a worker.
      return post("query.run", { sql: t.cachedSql, cache: false, waitMs: 0 });
    case "health":
      return { method: "GET" as const, path: "/api/health", headers: {} };
    default:
      throw new Error(op);
  }
}

interface Tally {
  latencies: number[];
  done: number;
  errors: number;
  limited: number;
  byError: Map<string, number>;
  /** 429s with Retry-After by operation: which work was shed. */
  byLimited: Map<string, number>;
}
const newTally = (): Tally => ({
  latencies: [],
  done: 0,
  errors: 0,
  limited: 0,
  byError: new Map(),
  byLimited: new Map(),
});

/**
 * What one request came to: served (200); refused, a 429 + Retry-After that is the answer (an
 * uncached query past the workspace's job slots); busy, a 429 + Retry-After because the web was at
 * its capacity (shed at the door, or no database connection in time); or an error.
 */
type Outcome = { kind: "served" | "refused" | "busy" | "error"; retryAfterS?: number };
const BUSY_MESSAGE = busy().message;

async function send(u: User, op: string, baseUrl: string, due: number, tally: Tally): Promise<Outcome> {
  const fail = (why: string): Outcome => {
    tally.errors++;
    tally.byError.set(why, (tally.byError.get(why) ?? 0) + 1);
    return { kind: "error" };
  };
  // The timeout runs from when the request was due, so one that waited behind its user's earlier ones counts too.
  const left = TIMEOUT_MS - (performance.now() - due);
  if (left <= 0) return fail(`${op}: timeout`);
  try {
    const res = await u.client.request({
      ...requestFor(op, u, baseUrl),
      signal: AbortSignal.timeout(Math.max(1, Math.floor(left))),
    });
    const body = res.statusCode === 429 ? await res.body.text() : (await res.body.dump({ limit: Infinity }), "");
    tally.latencies.push(performance.now() - due);
    tally.done++;
    if (res.statusCode === 429) {
      const retryAfterS = Number(res.headers["retry-after"]);
      if (!retryAfterS) return fail(`${op}: 429 without Retry-After`);
      const kind = body.includes(BUSY_MESSAGE) ? "busy" : "refused";
      const key = kind === "busy" ? `${op} (busy)` : op;
      tally.limited++;
      tally.byLimited.set(key, (tally.byLimited.get(key) ?? 0) + 1);
      return { kind, retryAfterS };
    }
    return res.statusCode === 200 ? { kind: "served" } : fail(`${op}: ${res.statusCode}`);
  } catch (e) {
    const name = (e as Error).name;
    return fail(
      name === "TimeoutError" || name === "AbortError"
        ? `${op}: timeout`
        : `${op}: ${name} ${(e as Error).message}`.slice(0, 120),
    );
  }
}

/** (a) Each user fires on its own Poisson clock, whether or not its last answer came. */
async function openLoop(users: User[], baseUrl: string, seconds: number): Promise<Tally> {
  const tally = newTally();
  const start = performance.now();
  const end = start + seconds * 1000;
  const inflight = new Set<Promise<Outcome>>();
  await Promise.all(
    users.map(async (u) => {
      let due = start + Math.random() * MEAN_GAP_MS;
      while (due < end) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const p = send(u, pick(), baseUrl, due, tally);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        due += -Math.log(1 - Math.random()) * MEAN_GAP_MS;
      }
    }),
  );
  await Promise.all(inflight);
  return tally;
}

/**
 * (b) Every connection sends its next request as soon as the last one
 * answered. The rate counts answers within the window after a warm-up (the
 * first answers of 1,000 connections come all at once and say nothing).
 */
async function closedLoop(
  users: User[],
  baseUrl: string,
  seconds: number,
  op?: string,
): Promise<Tally & { rps: number }> {
  const tally = newTally();
  const start = performance.now();
  const from = start + WARMUP_S * 1000;
  const end = from + seconds * 1000;
  let inWindow = 0;
  await Promise.all(
    users.map(async (u) => {
      while (performance.now() < end) {
        const next = op ?? pick();
        const outcome = await send(u, next, baseUrl, performance.now(), tally);
        const now = performance.now();
        // Throughput is work done: a timeout is none, and neither is a request shed as busy (only uncached
        // queries refused for the workspace's job slots are the answer they should be).
        const counts = outcome.kind === "served" || (outcome.kind === "refused" && next === "query.run (uncached)");
        if (now >= from && now <= end && counts) inWindow++;
        // A client told to come back later does (as tRPC's clients back off); hammering a 429 is no load a
        // real client offers.
        if (outcome.retryAfterS) await new Promise((r) => setTimeout(r, outcome.retryAfterS! * 1000));
      }
    }),
  );
  return { ...tally, rps: inWindow / seconds };
}

/** Each operation alone at saturation on `users`' connections: its rate and the web's CPU per answer. */
async function perOperation(
  users: User[],
  baseUrl: string,
  { webPid, profile }: { webPid: number; profile: boolean },
  seconds: number,
): Promise<void> {
  for (const op of [...MIX.map((m) => m.name), "health"]) {
    const before = treeCpuMs(webPid);
    // With --cpu-prof, one profile per operation, numbered in this order.
    if (profile) process.kill(webPid, "SIGUSR2");
    const t = await closedLoop(users, baseUrl, seconds, op);
    if (profile) process.kill(webPid, "SIGUSR2");
    out(
      JSON.stringify({
        phase: "per-op",
        op,
        rps: round(t.rps),
        p50_ms: t.latencies.length ? Math.round(percentile(t.latencies, 50)) : null,
        limited_429: t.limited,
        errors: t.errors,
        web_cpu_ms_per_req: t.done ? round((treeCpuMs(webPid) - before) / t.done) : null,
      }),
    );
  }
}

/** Opens every user's connection before the clock starts, a few at a time (as browsers arrive, not in one burst). */
async function connectAll(users: User[], baseUrl: string): Promise<void> {
  const t = newTally();
  await pool(users, 50, (u) => send(u, "health", baseUrl, performance.now(), t));
  if (t.errors) throw new Error(`opening connections: ${JSON.stringify(Object.fromEntries(t.byError))}`);
}

function summary(name: string, t: Tally, seconds: number) {
  return {
    phase: name,
    requests: t.done,
    rps: round(t.done / seconds),
    p50_ms: t.latencies.length ? Math.round(percentile(t.latencies, 50)) : null,
    p99_ms: t.latencies.length ? Math.round(percentile(t.latencies, 99)) : null,
    limited_429: t.limited,
    limited_kinds: Object.fromEntries(t.byLimited),
    errors: t.errors,
    error_kinds: Object.fromEntries(t.byError),
  };
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function createFixtures(db: Db, storage: LocalStorage, dir: string) {
  // One hash for every user, at bcrypt's lowest cost: a thousand sign-ins then
  // cost the server ~1 ms of bcrypt each instead of ~100 ms.
  const passwordHash = await hashPassword(PASSWORD, 4);
  const csv = path.join(dir, "sales.csv");
  const out = fs.createWriteStream(csv);
  out.write("id,region,amount,day\n");
  for (let i = 0; i < ROWS; i++)
    out.write(`${i},r${i % 17},${(i * 7919) % 10_000}.25,2026-0${(i % 9) + 1}-1${i % 10}\n`);
  await new Promise<void>((r) => out.end(r));
  const tenants: { id: string; slug: string; userIds: string[]; datasetId: string; analystId: string }[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const slug = `load-${t}`;
    const tenant = await db.tenant.create({ data: { slug, name: `Load ${t}` } });
    await db.tenantQuota.create({
      data: {
        tenantId: tenant.id,
        storageBytesLimit: 1n << 40n,
        maxFileBytes: 1n << 40n,
        ingestBytesMonthLimit: 1n << 40n,
        scanBytesMonthLimit: 1n << 50n,
        // The default: uncached work beyond it is refused with 429 + Retry-After.
        concurrentJobsLimit: 4,
      },
    });
    const n = Math.ceil(USERS / TENANTS) - (t < TENANTS - 1 ? 0 : Math.ceil(USERS / TENANTS) * TENANTS - USERS);
    const users = Array.from({ length: n }, (_, i) => ({
      email: `u${i}@${slug}.test`,
      name: `User ${i} of ${slug}`,
      passwordHash,
    }));
    await db.user.createMany({ data: users });
    const ids = await db.user.findMany({ where: { email: { endsWith: `@${slug}.test` } }, select: { id: true } });
    await db.membership.createMany({
      data: ids.map((u) => ({ tenantId: tenant.id, userId: u.id, role: "ANALYST" as const })),
    });
    const ctx = {
      tenantId: tenant.id,
      role: "ANALYST" as const,
      actor: { type: "USER" as const, id: ids[0]!.id },
      suspended: false,
      scopes: null,
    };
    const size = BigInt(fs.statSync(csv).size);
    const up = await createUpload(db, ctx, { filename: "sales.csv", sizeBytes: size });
    await storage.put(up.storageKey, fs.createReadStream(csv));
    const { datasetId } = await finishUpload(db, ctx, { uploadId: up.uploadId, storedBytes: size });
    tenants.push({ id: tenant.id, slug, userIds: ids.map((u) => u.id), datasetId, analystId: ids[0]!.id });
  }
  return tenants;
}

async function waitReady(db: Db, datasetIds: string[]): Promise<string> {
  for (;;) {
    const vs = await db.datasetVersion.findMany({ where: { datasetId: { in: datasetIds } } });
    const failed = vs.find((v) => v.status === "FAILED");
    if (failed) throw new Error(`ingest failed: ${failed.error}`);
    if (vs.length === datasetIds.length && vs.every((v) => v.status === "READY")) {
      const d = await db.dataset.findUniqueOrThrow({ where: { id: datasetIds[0]! } });
      return d.name;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function trpcPost<T>(baseUrl: string, cookie: string, proc: string, input: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/api/trpc/${proc}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: baseUrl },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${proc}: ${body.error?.json.message ?? res.status}`);
  return body.result.data.json;
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function main() {
  const loadStart = load1m();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-bench-load-"));
  let embedded: EmbeddedDb | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), persistent: false, throwaway: true });
    adminUrl = embedded.adminUrl;
  }
  const dbName = `si_bench_load_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const databaseUrl = withDb(adminUrl, dbName);
  let servers: { baseUrl: string; stop(): Promise<void> } | null = null;
  const clients: Client[] = [];
  const db = createDb(databaseUrl);
  try {
    await migrateDeploy(databaseUrl);
    const dataDir = path.join(dir, "product");
    const storage = new LocalStorage(path.join(dataDir, "storage"));
    log(`creating ${TENANTS} tenants, ${USERS} users and a ${ROWS}-row dataset per tenant…`);
    const tenants = await createFixtures(db, storage, dir);

    log("starting web and worker (building the web app first if there is no build)…");
    buildWeb({ force: args.build, quiet: true });
    const profDir = args["cpu-prof"] ? path.resolve(args["cpu-prof"]) : null;
    servers = await startProductServers({
      databaseUrl,
      dataDir,
      logFile: path.join(dir, "servers.log"),
      secret: "bench-load-secret-bench-load-secret",
      ...(profDir
        ? {
            env: {
              NODE_OPTIONS: `--import ${pathToFileURL(path.join(import.meta.dirname, "cpu-profile.mjs")).href}`,
              BENCH_CPU_PROF_DIR: profDir,
            },
          }
        : {}),
    });
    const baseUrl = servers.baseUrl;
    const webPid = pidListeningOn(Number(new URL(baseUrl).port));
    if (!webPid) throw new Error("cannot find the web server's process");
    const name = await waitReady(
      db,
      tenants.map((t) => t.datasetId),
    );

    log(`signing in ${USERS} users…`);
    const t0 = performance.now();
    const emails = tenants.flatMap((t) => t.userIds.map((_, i) => ({ email: `u${i}@${t.slug}.test`, slug: t.slug })));
    const cookies = await pool(
      emails,
      8,
      async (e) => `${await signInCookie(baseUrl, e.email, PASSWORD)}; si_tenant=${e.slug}`,
    );
    log(`signed in ${cookies.length} users in ${round((performance.now() - t0) / 1000)} s`);

    const fixtures = new Map<string, TenantFixture>();
    for (const t of tenants) {
      const cookie = cookies[emails.findIndex((e) => e.slug === t.slug)]!;
      const cachedSql = `SELECT region, count(*) AS n, sum(amount) AS total FROM ${name} GROUP BY region ORDER BY region`;
      for (let s = 0; s < 5; s++) {
        await trpcPost(baseUrl, cookie, "savedQuery.create", { name: `Saved ${s}`, sql: cachedSql, shared: true });
      }
      const run = await trpcPost<{ id: string; status: string }>(baseUrl, cookie, "query.run", {
        sql: cachedSql,
        waitMs: 30_000,
      });
      if (run.status !== "SUCCEEDED") throw new Error(`warm-up query ${run.status}`);
      fixtures.set(t.slug, { slug: t.slug, datasetId: t.datasetId, cachedSql, cachedRunId: run.id });
    }

    const users: User[] = cookies.map((cookie, i) => {
      const client = new Client(baseUrl, { pipelining: 1, keepAliveTimeout: 60_000, connectTimeout: TIMEOUT_MS });
      clients.push(client);
      return { cookie, tenant: fixtures.get(emails[i]!.slug)!, client };
    });

    await connectAll(users, baseUrl);
    if (args["per-op"]) {
      await perOperation(users.slice(0, 100), baseUrl, { webPid, profile: !!profDir }, Number(args["per-op"]));
      return;
    }
    log(`(a) open loop: ${USERS} users, one request per ${MEAN_GAP_MS / 1000} s each on average, ${OPEN_S} s…`);
    const tOpen = performance.now();
    let cpu = treeCpuMs(webPid);
    /** The web's CPU time per answer since the last call (ms). */
    const cpuPerAnswer = (t: Tally) => {
      const now = treeCpuMs(webPid);
      const per = t.done ? round((now - cpu) / t.done) : null;
      cpu = now;
      return per;
    };
    // The generator's own event-loop delay: when it is large, requests left late and their latency is
    // partly the generator's (it shares the machine's cores with the servers).
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const generatorLag = () => {
      const p99 = Math.round(lag.percentile(99) / 1e6);
      lag.reset();
      return p99;
    };
    const open = await openLoop(users, baseUrl, OPEN_S);
    const openS = (performance.now() - tOpen) / 1000;
    const offered = open.done + open.errors;
    const a = summary("open-loop", open, OPEN_S);
    out(
      JSON.stringify({
        ...a,
        offered_rps: round(offered / OPEN_S),
        wall_s: round(openS),
        web_cpu_ms_per_req: cpuPerAnswer(open),
        generator_lag_p99_ms: generatorLag(),
        load_1m: load1m(),
      }),
    );

    log(`(b) closed loop on ${users.length} connections: the mix, ${SATURATION_S} s…`);
    // With --cpu-prof the web's profile covers this run of the mix only (bench/cpu-profile.mjs).
    if (profDir) process.kill(webPid, "SIGUSR2");
    const mix = await closedLoop(users, baseUrl, SATURATION_S);
    if (profDir) process.kill(webPid, "SIGUSR2");
    out(
      JSON.stringify({
        ...summary("saturation-mix", mix, SATURATION_S),
        web_cpu_ms_per_req: cpuPerAnswer(mix),
        generator_lag_p99_ms: generatorLag(),
        load_1m: load1m(),
      }),
    );
    log(`(b) closed loop on ${users.length} connections: /api/health, ${SATURATION_S} s…`);
    const health = await closedLoop(users, baseUrl, SATURATION_S, "health");
    out(
      JSON.stringify({
        ...summary("saturation-health", health, SATURATION_S),
        web_cpu_ms_per_req: cpuPerAnswer(health),
        generator_lag_p99_ms: generatorLag(),
        load_1m: load1m(),
      }),
    );

    const webPeak = peakRssMib(webPid);
    out(JSON.stringify({ load_1m_start: loadStart, load_1m_end: load1m(), cores: os.cpus().length }));
    out(
      JSON.stringify({
        users: cookies.length,
        offered_rps: round(offered / OPEN_S),
        p99_ms: a.p99_ms,
        errors: open.errors + mix.errors + health.errors,
        saturation_rps: round(mix.rps),
        health_rps: round(health.rps),
        ratio: health.rps > 0 ? Math.round((mix.rps / health.rps) * 100) / 100 : 0,
        web_peak_rss_mb: Math.round(webPeak),
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await servers?.stop();
    await db.$disconnect();
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await a.end();
    await embedded?.stop();
    // The servers' log outlives the run's scratch directory, for the causes of any errors above.
    const kept = path.join(os.tmpdir(), "si-bench-load-servers.log");
    if (fs.existsSync(path.join(dir, "servers.log"))) fs.copyFileSync(path.join(dir, "servers.log"), kept);
    log(`servers' log: ${kept}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
