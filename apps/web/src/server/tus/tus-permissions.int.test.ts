// Who may act on an upload after its creation, through the real /api/uploads
// route (session cookie or API key, as a client sends them): every PATCH,
// HEAD and DELETE, and the finish step, checks the caller's upload
// permission and, for someone else's upload, an admin's upload.manage; a
// suspended tenant can look at its uploads but not continue, finish or
// cancel them. Refusals land in the caller's tenant's audit log.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { finishUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { authSecret } from "@/env";
import { edgeRoute } from "@/server/http/edge-route";
import { createServeUpload, TUS_HEADERS } from "@/server/routes/serve-upload";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { createTusDatastore } from "./create-datastore";
import { PgLocker } from "./pg-locker";
import { buildTusServer } from "./tus-server";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let tmp: string;
let storage: StorageDriver;
let tenant: { id: string; slug: string };
let starter: TestUser;
let owner: TestUser;
type Auth = Record<string, string>;
const auth: Record<string, Auth> = {};
let route: (req: Request) => Promise<Response>;

async function session(u: TestUser): Promise<Auth> {
  const token = await encode({ token: { uid: u.id, email: u.email, name: "x", pa: false }, secret: authSecret() });
  return { cookie: `next-auth.session-token=${token}; si_tenant=${u.slug}` };
}

async function key(scopes: string[]): Promise<Auth> {
  const { key: k } = await createApiKey(t.db, ctxOf(owner), { name: scopes.join("+"), scopes });
  return { authorization: `Bearer ${k}` };
}

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-tus-perm-"));
  const config = parseConfig({ DATA_DIR: tmp });
  storage = createStorage(config);
  tenant = await createTenant(t.db, { slug: "uploads" });
  owner = await createMember(t.db, tenant, "OWNER");
  starter = await createMember(t.db, tenant, "ANALYST");
  auth.starter = await session(starter);
  auth.otherAnalyst = await session(await createMember(t.db, tenant, "ANALYST"));
  auth.viewer = await session(await createMember(t.db, tenant, "VIEWER"));
  auth.admin = await session(await createMember(t.db, tenant, "ADMIN"));
  auth.readKey = await key(["read"]);
  auth.queryKey = await key(["query"]);
  auth.uploadKey = await key(["upload"]);
  auth.uploadAdminKey = await key(["upload", "admin"]);
  const server = buildTusServer({
    db: t.db,
    storage,
    datastore: createTusDatastore(config),
    locker: new PgLocker(t.db),
  });
  const handler = edgeRoute<object>(
    createServeUpload(() => server),
    { deps: () => ({ db: t.db, storage, log }), errorHeaders: TUS_HEADERS },
  );
  route = (req) => handler(req, undefined as never);
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const BODY = Buffer.from("a,b\n1,2\n3\n"); // 10 bytes

async function start(who: Auth): Promise<string> {
  const res = await route(
    new Request("http://localhost/api/uploads", {
      method: "POST",
      headers: { ...who, "Tus-Resumable": "1.0.0", "Upload-Length": String(BODY.length) },
    }),
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return res.headers.get("location")!.split("/").pop()!;
}

function send(method: "PATCH" | "HEAD" | "DELETE", id: string, who: Auth): Promise<Response> {
  const patch = method === "PATCH";
  return route(
    new Request(`http://localhost/api/uploads/${id}`, {
      method,
      headers: {
        ...who,
        "Tus-Resumable": "1.0.0",
        ...(patch ? { "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" } : {}),
      },
      body: patch ? BODY : undefined,
    }),
  );
}

const statusOf = async (method: "PATCH" | "HEAD" | "DELETE", id: string, who: string) =>
  (await send(method, id, auth[who]!)).status;

describe("per-request permission on someone else's upload", () => {
  const refused = ["viewer", "readKey", "queryKey", "otherAnalyst", "uploadKey"];

  for (const who of refused) {
    it(`${who}: cannot continue, look at, finish or cancel the analyst's upload (403)`, async () => {
      const id = await start(auth.starter!);
      expect(await statusOf("PATCH", id, who)).toBe(403);
      expect(await statusOf("HEAD", id, who)).toBe(403);
      expect(await statusOf("DELETE", id, who)).toBe(403);
      const row = await t.db.upload.findUniqueOrThrow({ where: { id } });
      expect([row.status, row.datasetId]).toEqual(["CREATED", null]);
      // The starter carries on: nothing of the above touched it.
      expect(await statusOf("PATCH", id, "starter")).toBe(204);
      expect((await t.db.upload.findUniqueOrThrow({ where: { id } })).status).toBe("COMPLETE");
    });
  }

  for (const who of ["admin", "uploadAdminKey"]) {
    it(`${who}: may look at, finish and cancel uploads others started`, async () => {
      const a = await start(auth.starter!);
      expect(await statusOf("HEAD", a, who)).toBe(200);
      expect(await statusOf("PATCH", a, who)).toBe(204);
      expect((await t.db.upload.findUniqueOrThrow({ where: { id: a } })).status).toBe("COMPLETE");
      const b = await start(auth.starter!);
      expect(await statusOf("DELETE", b, who)).toBe(204);
      expect((await t.db.upload.findUniqueOrThrow({ where: { id: b } })).status).toBe("TERMINATED");
    });
  }

  it("an upload-scope key keeps full use of its own uploads", async () => {
    const id = await start(auth.uploadKey!);
    expect(await statusOf("HEAD", id, "uploadKey")).toBe(200);
    expect(await statusOf("PATCH", id, "uploadKey")).toBe(204);
  });

  it("the finish step itself refuses someone else's upload without upload.manage", async () => {
    const id = await start(auth.starter!);
    const other = await createMember(t.db, tenant, "ANALYST");
    await expect(finishUpload(t.db, ctxOf(other), { uploadId: id, storedBytes: 10n })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      finishUpload(t.db, ctxOf(starter, { scopes: new Set(["dataset.read"]) }), { uploadId: id, storedBytes: 10n }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("writes the refusals to the tenant's audit log", async () => {
    const events = await t.db.auditEvent.findMany({ where: { tenantId: tenant.id, action: "refusal.forbidden" } });
    const attempted = new Set(events.map((e) => (e.metadata as { attempted: string }).attempted.split(" ")[0]));
    expect([...attempted].sort()).toEqual(["DELETE", "HEAD", "PATCH"]);
  });
});

describe("a suspended tenant's uploads", () => {
  it("can be looked at, but not continued, finished or cancelled, by anyone", async () => {
    const mine = await start(auth.starter!);
    const keys = await start(auth.uploadAdminKey!);
    await t.db.tenant.update({ where: { id: tenant.id }, data: { status: "SUSPENDED" } });
    try {
      for (const [id, who] of [
        [mine, "starter"],
        [keys, "uploadAdminKey"],
        [mine, "admin"],
      ] as const) {
        expect(await statusOf("HEAD", id, who), `${who} HEAD`).toBe(200);
        const patch = await send("PATCH", id, auth[who]!);
        expect(patch.status, `${who} PATCH`).toBe(403);
        expect(await patch.text()).toMatch(/suspended/);
        expect(await statusOf("DELETE", id, who), `${who} DELETE`).toBe(403);
        expect((await t.db.upload.findUniqueOrThrow({ where: { id } })).status).toBe("CREATED");
      }
      const create = await route(
        new Request("http://localhost/api/uploads", {
          method: "POST",
          headers: { ...auth.starter, "Tus-Resumable": "1.0.0", "Upload-Length": "10" },
        }),
      );
      expect(create.status).toBe(403);
      await expect(
        finishUpload(t.db, ctxOf(starter, { suspended: true }), { uploadId: mine, storedBytes: 10n }),
      ).rejects.toThrow(/suspended/);
    } finally {
      await t.db.tenant.update({ where: { id: tenant.id }, data: { status: "ACTIVE" } });
    }
  });
});
