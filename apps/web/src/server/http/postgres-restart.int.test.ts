// PostgreSQL stopped under a running web edge (our own embedded server, never
// the machine's): the statement in flight when it stops, and every request
// while it is down, are 503 with Retry-After and no detail; health says
// down; once it is back the same process answers again, with no restart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { OUTAGE_MESSAGE } from "@scrollintel/core/errors";
import { isInfraOutage } from "@scrollintel/core/infra-outage";
import { createLogger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { reportReadiness } from "@/server/routes/health";
import { startEmbeddedPostgres, type EmbeddedDb } from "../../../../../scripts/embedded-postgres";
import { freePort } from "../../../../../scripts/free-port";
import { classifyError } from "./classify-error";
import { edgeRoute } from "./edge-route";
import { createTrpcHandler } from "./trpc-handler";

const log = createLogger({ name: "web", level: "silent" });
let tmp: string;
let port: number;
let server: EmbeddedDb | null = null;
let db: Db;

const start = async () => {
  server = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), port, persistent: true, throwaway: true });
};

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-pg-restart-"));
  fs.chmodSync(tmp, 0o755);
  port = await freePort();
  await start();
  db = createDb(server!.adminUrl, { max: 3 });
  // Just what /api/health reads; the rest of the schema plays no part in an outage.
  await db.$executeRawUnsafe("CREATE SCHEMA graphile_worker");
  await db.$executeRawUnsafe("CREATE TABLE graphile_worker.jobs (locked_at timestamptz)");
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const deps = () => ({ db, log, storage: createStorage(parseConfig({ DATA_DIR: tmp })) });
const health = () =>
  edgeRoute<object>(reportReadiness, { deps })(new Request("http://localhost/api/health/ready"), undefined as never);
const trpc = createTrpcHandler(() => ({ db, log }));
const invitation = () =>
  trpc(
    new Request(
      `http://localhost/api/trpc/invitation.get?input=${encodeURIComponent(JSON.stringify({ json: { token: "x".repeat(32) } }))}`,
    ),
  );

describe("PostgreSQL stopped and started under the web edge", () => {
  it("answers 503 while it is down and recovers by itself when it is back", async () => {
    expect((await health()).status).toBe(200);

    // A statement in flight when the server shuts down (57P01 / connection terminated).
    const inFlight = db.$queryRawUnsafe("SELECT pg_sleep(30)").then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    await server!.stop();
    server = null;
    const err = await inFlight;
    expect(isInfraOutage(err), String(err)).toBe(true);
    expect(classifyError(err, "r1")).toMatchObject({ http: 503, trpc: "SERVICE_UNAVAILABLE", message: OUTAGE_MESSAGE });

    const down = await invitation();
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    const body = await down.text();
    expect(body).toContain(OUTAGE_MESSAGE);
    expect(body).not.toMatch(/127\.0\.0\.1|reach|terminat|ECONN|P10\d\d/i);
    const h = await health();
    expect(h.status).toBe(503);
    expect(await h.json()).toEqual({ ok: false, db: "down", queue: null });

    await start();
    // The pool drops dead connections and opens new ones: no restart of the web.
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await health()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  }, 120_000);
});
