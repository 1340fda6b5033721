// What API clients see when things go wrong, through the real handlers of
// /api/trpc, /api/uploads, the downloads, the audit export and /api/health:
// a database on a closed port, a tus store on a closed S3 port and a broken
// table (a bug) each give the table's answer, never the cause's text, and a
// 500's request id is the one in X-Request-Id and in the log line with the
// cause. The stop-and-start case is in postgres-restart.int.test.ts.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "@scrollintel/core/api-keys";
import { parseConfig } from "@scrollintel/core/config";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { OUTAGE_MESSAGE } from "@scrollintel/core/errors";
import { createLogger } from "@scrollintel/core/logger";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { authSecret } from "@/env";
import { exportAudit } from "@/server/routes/export-audit";
import { downloadResult } from "@/server/routes/download-result";
import { reportReadiness } from "@/server/routes/health";
import { createServeUpload, TUS_HEADERS } from "@/server/routes/serve-upload";
import { createTusDatastore } from "@/server/tus/create-datastore";
import { PgLocker } from "@/server/tus/pg-locker";
import { buildTusServer } from "@/server/tus/tus-server";
import { createMember, createTenant, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { edgeRoute, tenantRoute } from "./edge-route";
import { createTrpcHandler } from "./trpc-handler";

const lines: string[] = [];
const log = createLogger({ name: "web", level: "info", destination: { write: (s: string) => void lines.push(s) } });
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

let t: TestDb;
let broken: TestDb;
let down: Db;
let tmp: string;
let storage: StorageDriver;
let user: TestUser;
let brokenUser: TestUser;

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

beforeAll(async () => {
  t = await createTestDb();
  broken = await createTestDb();
  down = createDb(`postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`, { max: 2 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-edge-"));
  storage = createStorage(parseConfig({ DATA_DIR: tmp }));
  user = await createMember(t.db, await createTenant(t.db), "OWNER");
  brokenUser = await createMember(broken.db, await createTenant(broken.db), "OWNER");
  // A bug stand-in: the tables these requests read are gone.
  await broken.db.$executeRawUnsafe(`ALTER TABLE "SavedQuery" RENAME TO "SavedQueryGone"`);
  await broken.db.$executeRawUnsafe(`ALTER TABLE "QueryRun" RENAME TO "QueryRunGone"`);
});
afterAll(async () => {
  await down.$disconnect();
  await broken.drop();
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function sessionCookie(u: TestUser): Promise<string> {
  const token = await encode({ token: { uid: u.id, email: u.email, name: "x", pa: false }, secret: authSecret() });
  return `next-auth.session-token=${token}; si_tenant=${u.slug}`;
}

function trpcRequest(proc: string, input: unknown, headers: Record<string, string> = {}): Request {
  const q = encodeURIComponent(JSON.stringify({ json: input }));
  return new Request(`http://localhost/api/trpc/${proc}?input=${q}`, { headers });
}

const LEAKS = /127\.0\.0\.1|reach|ECONN|P10\d\d|prisma|does not exist|relation|Gone|stack|at \//i;

async function expectOutage(res: Response): Promise<string> {
  const body = await res.text();
  expect(res.status, body).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(body).toContain(OUTAGE_MESSAGE);
  expect(body).not.toMatch(LEAKS);
  return body;
}

describe("PostgreSQL unreachable", () => {
  const trpc = createTrpcHandler(() => ({ db: down, log }));
  const downDeps = () => ({ db: down, storage, log });

  it("tRPC: a public procedure, an API key's context and a session's tenant are each 503", async () => {
    await expectOutage(await trpc(trpcRequest("invitation.get", { token: "x".repeat(32) })));
    await expectOutage(
      await trpc(trpcRequest("tenant.me", undefined, { authorization: `Bearer ${generateApiKey().key}` })),
    );
    await expectOutage(await trpc(trpcRequest("dataset.list", undefined, { cookie: await sessionCookie(user) })));
  });

  it("the plain routes (download, audit export, uploads) are 503 too", async () => {
    const cookie = await sessionCookie(user);
    const download = tenantRoute<{ id: string }>("query.read", downloadResult, { deps: downDeps });
    const res = await download(new Request("http://localhost/api/queries/q1/download", { headers: { cookie } }), {
      params: Promise.resolve({ id: "q1" }),
    });
    await expectOutage(res);
    const audit = tenantRoute<object>("audit.read", exportAudit, { deps: downDeps });
    await expectOutage(
      await audit(new Request("http://localhost/api/audit/export", { headers: { cookie } }), undefined as never),
    );
    const server = () =>
      buildTusServer({
        db: down,
        storage,
        datastore: createTusDatastore(parseConfig({ DATA_DIR: tmp })),
        locker: new PgLocker(down),
      });
    const uploads = edgeRoute<object>(createServeUpload(server), { deps: downDeps, errorHeaders: TUS_HEADERS });
    const up = await uploads(tusPost(cookie, "a.csv"), undefined as never);
    expect(up.headers.get("tus-resumable")).toBe("1.0.0");
    await expectOutage(up);
  });

  it("/api/health/ready is 503 {ok:false} without the error text", async () => {
    const res = await edgeRoute<object>(reportReadiness, { deps: downDeps })(
      new Request("http://localhost/api/health/ready"),
      undefined as never,
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: false, db: "down" });
    expect(JSON.stringify(body)).not.toMatch(LEAKS);
  });

  it("logs each outage as a warning under its request id", () => {
    const warns = logged().filter((l) => l.msg === "dependency unavailable");
    expect(warns.length).toBeGreaterThanOrEqual(3);
    for (const w of warns) expect(w.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

function tusPost(cookie: string, filename: string): Request {
  return new Request("http://localhost/api/uploads", {
    method: "POST",
    headers: {
      cookie,
      "Tus-Resumable": "1.0.0",
      "Upload-Length": "10",
      "Upload-Metadata": `filename ${Buffer.from(filename).toString("base64")}`,
    },
  });
}

describe("uploads", () => {
  const liveDeps = () => ({ db: t.db, storage, log });
  const routeWith = (db: Db, config = parseConfig({ DATA_DIR: tmp })) =>
    edgeRoute<object>(
      createServeUpload(() =>
        buildTusServer({ db, storage, datastore: createTusDatastore(config), locker: new PgLocker(t.db) }),
      ),
      { deps: liveDeps, errorHeaders: TUS_HEADERS },
    );

  it("refuses a filename with a NUL byte with 400 naming it, and records nothing", async () => {
    const res = await routeWith(t.db)(tusPost(await sessionCookie(user), "evil\0.csv"), undefined as never);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("filename: contains a NUL byte");
    expect(await t.db.upload.count({ where: { tenantId: user.tenantId } })).toBe(0);
    const ok = await routeWith(t.db)(tusPost(await sessionCookie(user), "fine.csv"), undefined as never);
    expect(ok.status).toBe(201);
  });

  it("answers 503 with Retry-After when tus's own database calls fail", async () => {
    await expectOutage(await routeWith(down)(tusPost(await sessionCookie(user), "a.csv"), undefined as never));
  });

  it("answers 503 with Retry-After when the S3 store is down", async () => {
    const s3 = parseConfig({
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      S3_ACCESS_KEY_ID: "k",
      S3_SECRET_ACCESS_KEY: "s",
    });
    await expectOutage(await routeWith(t.db, s3)(tusPost(await sessionCookie(user), "a.csv"), undefined as never));
  });
});

describe("unexpected errors", () => {
  const trpc = createTrpcHandler(() => ({ db: broken.db, log }));

  it("tRPC: 500 whose body names only the request id; the log has that id, the tenant, the user and the cause", async () => {
    const res = await trpc(trpcRequest("savedQuery.list", undefined, { cookie: await sessionCookie(brokenUser) }));
    const id = res.headers.get("x-request-id")!;
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).not.toMatch(LEAKS);
    const body = JSON.parse(text) as { error: { json: { message: string; data: Record<string, unknown> } } };
    expect(body.error.json.message).toBe(`Internal error (request id ${id})`);
    expect(body.error.json.data.stack).toBeUndefined();
    const line = logged().find((l) => l.requestId === id && l.level === 50)!;
    expect(line).toMatchObject({ tenantId: brokenUser.tenantId, userId: brokenUser.id, msg: "unexpected error" });
    expect((line.err as { stack: string }).stack).toMatch(/does not exist/);
    // Every line of that request carries the ids, the access line too (written before the tenant was known to it).
    const all = logged().filter((l) => l.requestId === id);
    expect(all.map((l) => l.msg)).toContain("request");
    for (const l of all) expect(l).toMatchObject({ tenantId: brokenUser.tenantId, userId: brokenUser.id });
  });

  it("a plain route: 500 with only the request id, logged with the cause", async () => {
    const download = tenantRoute<{ id: string }>("query.read", downloadResult, {
      deps: () => ({ db: broken.db, storage, log }),
    });
    const res = await download(
      new Request("http://localhost/api/queries/q1/download", { headers: { cookie: await sessionCookie(brokenUser) } }),
      { params: Promise.resolve({ id: "cq1aaaaaaaaaaaaaaaaaaaaaa" }) },
    );
    const id = res.headers.get("x-request-id")!;
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(`Internal error (request id ${id})\n`);
    const line = logged().find((l) => l.requestId === id && l.level === 50)!;
    expect(line).toMatchObject({ tenantId: brokenUser.tenantId, userId: brokenUser.id });
    expect((line.err as { stack: string }).stack).toMatch(/does not exist/);
  });

  it("a NUL byte over HTTP is a 400 naming the field, and a success carries its request id too", async () => {
    const ok = createTrpcHandler(() => ({ db: t.db, log }));
    const cookie = await sessionCookie(user);
    const res = await ok(
      new Request("http://localhost/api/trpc/savedQuery.create", {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ json: { name: "a\u0000b", sql: "SELECT 1" } }),
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { json: { message: string } } }).error.json.message).toBe(
      "name: contains a NUL byte",
    );
    const list = await ok(trpcRequest("savedQuery.list", undefined, { cookie }));
    expect(list.status).toBe(200);
    expect(list.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
