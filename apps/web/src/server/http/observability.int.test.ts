// Metrics and traces through the real handlers, in one process: a tus upload
// and a query.run through the web's handlers, an ingest and the query job
// through the worker's tasks (wrapped as the worker wraps them), then both
// metrics endpoints scraped with and without the token, and one trace found
// running from the web request through PostgreSQL and the job row into the
// worker's DuckDB work.
import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { getPoolOf } from "@scrollintel/core/db/sql";
import { createLogger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { registerQueueMetrics } from "@scrollintel/core/metrics/queue-metrics";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { InMemorySpanExporter, startTracing } from "@scrollintel/core/tracing-setup";
import { authSecret } from "@/env";
import { edgeRoute } from "@/server/http/edge-route";
import { createTrpcHandler } from "@/server/http/trpc-handler";
import { createServeMetrics } from "@/server/routes/serve-metrics";
import { getSystemStatus } from "@/server/system/system-status";
import { createServeUpload, TUS_HEADERS } from "@/server/routes/serve-upload";
import { createTusDatastore } from "@/server/tus/create-datastore";
import { PgLocker } from "@/server/tus/pg-locker";
import { buildTusServer } from "@/server/tus/tus-server";
import { startHealthServer } from "../../../../worker/src/health-server";
import { observeTask } from "../../../../worker/src/observe-task";
import { makeIngestTask } from "../../../../worker/src/tasks/ingest";
import { makeQueryTask } from "../../../../worker/src/tasks/query";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../../test/worker-harness";

const TOKEN = "metrics-token-for-tests-0123456789";
const spans = new InMemorySpanExporter();
const lines: string[] = [];
const log = createLogger({ name: "web", level: "info", destination: { write: (s: string) => void lines.push(s) } });

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let user: TestUser;
let cookie = "";
let tmp: string;
let health: http.Server;
let healthUrl = "";
let queryRunId = "";
let queryTraceId = "";

beforeAll(async () => {
  startTracing({ serviceName: "scrollintel-test", config: { OTEL_SDK_DISABLED: false }, exporter: spans });
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-obs-"));
  user = await createMember(t.db, await createTenant(t.db), "OWNER");
  const token = await encode({
    token: { uid: user.id, email: user.email, name: "x", pa: false },
    secret: authSecret(),
  });
  cookie = `next-auth.session-token=${token}; si_tenant=${user.slug}`;
  const m = workerMetrics();
  registerQueueMetrics(m.registry, () => getPoolOf(t.db));
  health = await startHealthServer({
    db: t.db,
    storage: deps.storage,
    port: 0,
    metrics: { registry: m.registry, token: TOKEN },
  });
  healthUrl = `http://127.0.0.1:${(health.address() as { port: number }).port}`;
});
afterAll(async () => {
  health.close();
  deps.cleanup();
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// The web's storage is the tus store's directory, as in the app.
const webDeps = () => ({ db: t.db, storage: createStorage(parseConfig({ DATA_DIR: tmp })), log });
const scrapeWeb = (auth?: string) =>
  edgeRoute<object>(
    createServeMetrics(() => TOKEN),
    { deps: webDeps },
  )(new Request("http://localhost/api/metrics", { headers: auth ? { authorization: auth } : {} }), undefined as never);

describe("the work", () => {
  it("a tus upload through the web's route", async () => {
    const uploads = edgeRoute<object>(
      createServeUpload(() =>
        buildTusServer({
          db: t.db,
          storage: webDeps().storage,
          datastore: createTusDatastore(parseConfig({ DATA_DIR: tmp })),
          locker: new PgLocker(t.db),
        }),
      ),
      { deps: webDeps, errorHeaders: TUS_HEADERS },
    );
    const body = "id,n\n1,2\n3,4\n";
    const res = await uploads(
      new Request("http://localhost/api/uploads", {
        method: "POST",
        headers: {
          cookie,
          "Tus-Resumable": "1.0.0",
          "Upload-Length": String(body.length),
          "Upload-Metadata": `filename ${Buffer.from("a.csv").toString("base64")}`,
          "content-type": "application/offset+octet-stream",
        },
        body,
      }),
      undefined as never,
    );
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get("upload-offset")).toBe(String(body.length));
  });

  it("an ingest in the worker", async () => {
    const up = await uploadFile(deps, ctxOf(user), "sales.csv", "id,amount\n1,10\n2,20\n3,30\n");
    await runTask(observeTask("ingest", makeIngestTask(deps)), { datasetVersionId: up.versionId });
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(v.status).toBe("READY");
  });

  it("a query.run through tRPC, run by the worker from its job row", async () => {
    const trpc = createTrpcHandler(() => ({ db: t.db, log }));
    const res = await trpc(
      new Request("http://localhost/api/trpc/query.run", {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ json: { sql: "SELECT sum(amount) AS s FROM sales", waitMs: 0, cache: false } }),
      }),
    );
    expect(res.status).toBe(200);
    queryRunId = ((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    const [job] = await t.db.$queryRaw<{ payload: Record<string, unknown> }[]>`
      SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${queryRunId}`;
    expect(job!.payload._trace).toMatchObject({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-/) });
    expect(job!.payload._requestId).toBe(res.headers.get("x-request-id"));
    queryTraceId = (job!.payload._trace as { traceparent: string }).traceparent.split("-")[1]!;
    await runTask(observeTask("query", makeQueryTask(deps)), job!.payload, { attempts: 1, max_attempts: 1 });
    const run = await t.db.queryRun.findUniqueOrThrow({ where: { id: queryRunId } });
    expect(run.status).toBe("SUCCEEDED");
  });
});

/** Prometheus text → the value of the first series whose name and labels match. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").pop());
  }
  return undefined;
}

describe("metrics", () => {
  it("the web's /api/metrics refuses without the token and serves the series with it", async () => {
    expect((await scrapeWeb()).status).toBe(401);
    expect((await scrapeWeb("Bearer wrong-token-wrong-token")).status).toBe(401);
    const off = await edgeRoute<object>(
      createServeMetrics(() => undefined),
      { deps: webDeps },
    )(
      new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
      undefined as never,
    );
    expect(off.status).toBe(404);
    const res = await scrapeWeb(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(valueOf(text, "scrollintel_upload_bytes_total")).toBe(13);
    const upload = { route: "/api/uploads", method: "POST", status: "201" };
    expect(valueOf(text, "scrollintel_http_request_duration_seconds_count", upload)).toBe(1);
    const run = { procedure: "query.run", type: "mutation", code: "OK" };
    expect(valueOf(text, "scrollintel_trpc_procedure_duration_seconds_count", run)).toBe(1);
    expect(valueOf(text, "scrollintel_pg_pool_connections", { pool: "app", state: "total" })).toBeGreaterThan(0);
    expect(valueOf(text, "process_resident_memory_bytes", { app: "web" })).toBeGreaterThan(0);
  });

  it("the worker's /metrics refuses without the token and serves the series with it", async () => {
    expect((await fetch(`${healthUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${healthUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(valueOf(text, "scrollintel_ingest_rows_total")).toBe(3);
    expect(valueOf(text, "scrollintel_ingest_bytes_total")).toBeGreaterThan(0);
    expect(valueOf(text, "scrollintel_ingest_duration_seconds_count", { outcome: "ready" })).toBe(1);
    expect(valueOf(text, "scrollintel_query_duration_seconds_count", { status: "SUCCEEDED" })).toBe(1);
    expect(valueOf(text, "scrollintel_query_engine_seconds_count")).toBe(1);
    expect(valueOf(text, "scrollintel_job_duration_seconds_count", { task: "query", outcome: "success" })).toBe(1);
    // Read from graphile-worker's table: the harness runs handlers without taking the rows, so
    // both uploads' ingest jobs still wait there.
    expect(valueOf(text, "scrollintel_job_queue_depth", { task: "ingest", state: "waiting" })).toBe(2);
    expect(valueOf(text, "scrollintel_job_queue_oldest_wait_seconds", { task: "ingest" })).toBeGreaterThan(0);
  });
});

describe("the System page's status", () => {
  it("shows each process from its metrics, a worker that does not answer as down, and the queue", async () => {
    const s = await getSystemStatus({
      db: t.db,
      workerMetricsUrls: [`${healthUrl}/metrics`, "http://127.0.0.1:1/metrics"],
      metricsToken: TOKEN,
    });
    expect(s.processes.map((p) => [p.kind, p.up])).toEqual([
      ["web", true],
      ["worker", true],
      ["worker", false],
    ]);
    expect(s.processes[0]!.rssBytes).toBeGreaterThan(0);
    expect(s.processes[2]!.problem).toBe("not answering");
    expect(s.queueSource).toBe("worker");
    expect(s.queue.find((r) => r.task === "ingest")).toMatchObject({ waiting: 2, running: 0 });
  });

  it("says when a worker refuses the token, and reads the queue from PostgreSQL when no worker answers", async () => {
    const s = await getSystemStatus({ db: t.db, workerMetricsUrls: [`${healthUrl}/metrics`], metricsToken: "nope" });
    expect(s.processes[1]).toMatchObject({ up: false, problem: expect.stringContaining("METRICS_TOKEN") });
    expect(s.queueSource).toBe("database");
    expect(s.queue.find((r) => r.task === "ingest")).toMatchObject({ waiting: 2 });
  });
});

describe("traces", () => {
  it("one trace runs from the tRPC request through PostgreSQL and the job row into the worker's DuckDB work", () => {
    const trace = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === queryTraceId);
    const names = trace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["POST /api/trpc", "trpc query.run", "pg.transaction", "job query", "duckdb.query"]),
    );
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (name: string) => byId.get(trace.find((s) => s.name === name)!.parentSpanContext!.spanId)!.name;
    expect(parentOf("trpc query.run")).toBe("POST /api/trpc");
    expect(parentOf("duckdb.query")).toBe("job query");
    // The job's span hangs under a web span: the trace crosses from web to worker.
    expect(["trpc query.run", "pg.transaction"]).toContain(parentOf("job query"));
  });
});

describe("a caller's trace context", () => {
  it("a request carrying traceparent (the browser's tRPC client sends one) is a span of that trace", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const trpc = createTrpcHandler(() => ({ db: t.db, log }));
    const res = await trpc(
      new Request("http://localhost/api/trpc/dataset.list", {
        headers: { cookie, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      }),
    );
    expect(res.status).toBe(200);
    const names = spans
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId)
      .map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["GET /api/trpc", "trpc dataset.list"]));
  });
});

describe("logs", () => {
  it("every line of a request carries its request, tenant, user and trace ids", () => {
    const lined = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lined.find((l) => l.msg === "request" && l.route === "/api/trpc")!;
    expect(access).toMatchObject({ tenantId: user.tenantId, userId: user.id, status: 200 });
    expect(access.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(access.traceId).toBe(queryTraceId);
  });
});
