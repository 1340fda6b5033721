// The attacker's side of the plain routes: a globex session and globex keys
// of every scope aim the download, the audit export and every tus method at
// acme's ids. Each answer is 403 (no such permission) or 404 (no such id in
// globex), never acme's bytes, rows or upload; acme's upload is untouched.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopePermissions } from "@scrollintel/core/api-keys";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import type { Permission } from "@scrollintel/core/roles";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { createUpload } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { authSecret } from "@/env";
import { downloadResult } from "@/server/routes/download-result";
import { exportAudit } from "@/server/routes/export-audit";
import { createServeUpload, TUS_HEADERS } from "@/server/routes/serve-upload";
import { createTusDatastore } from "@/server/tus/create-datastore";
import { PgLocker } from "@/server/tus/pg-locker";
import { buildTusServer } from "@/server/tus/tus-server";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { makeTargets, type Targets } from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { edgeRoute, tenantRoute } from "./edge-route";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let tmp: string;
let acmeOwner: TestUser;
let globexOwner: TestUser;
let acme: Targets;
let acmeUpload: string;
type Deps = Parameters<typeof edgeRoute>[1];
let deps: NonNullable<Deps>["deps"];
let uploads: (req: Request) => Promise<Response>;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-routes-x-"));
  const config = parseConfig({ DATA_DIR: tmp });
  const storage = createStorage(config);
  deps = () => ({ db: t.db, storage, log });
  acmeOwner = await createMember(t.db, await createTenant(t.db, { slug: "acme-routes" }), "OWNER");
  globexOwner = await createMember(t.db, await createTenant(t.db, { slug: "globex-routes" }), "OWNER");
  acme = await makeTargets(t.db, acmeOwner);
  acmeUpload = (await createUpload(t.db, ctxOf(acmeOwner), { filename: "secret.csv", sizeBytes: 10n })).uploadId;
  const server = buildTusServer({
    db: t.db,
    storage,
    datastore: createTusDatastore(config),
    locker: new PgLocker(t.db),
  });
  const handler = edgeRoute<object>(
    createServeUpload(() => server),
    { deps, errorHeaders: TUS_HEADERS },
  );
  uploads = (req) => handler(req, undefined as never);
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function sessionOf(u: TestUser): Promise<Record<string, string>> {
  const token = await encode({ token: { uid: u.id, email: u.email, name: "x", pa: false }, secret: authSecret() });
  return { cookie: `next-auth.session-token=${token}; si_tenant=${u.slug}` };
}

const CALLERS: { name: string; scopes: string[] | null }[] = [
  { name: "session", scopes: null },
  ...[["read"], ["query"], ["upload"], ["admin"], ["read", "query", "upload", "admin"]].map((scopes) => ({
    name: `key [${scopes.join(",")}]`,
    scopes,
  })),
];

/** 403 when the caller lacks `permission`, else 404: another tenant's id is not there. */
const expected = (held: Set<Permission> | null, permission: Permission) => (!held || held.has(permission) ? 404 : 403);

describe("plain routes aimed at acme's ids", () => {
  for (const c of CALLERS) {
    it(`${c.name}: download, audit export and tus get nothing of acme`, async () => {
      const headers = c.scopes
        ? {
            authorization: `Bearer ${(await createApiKey(t.db, ctxOf(globexOwner), { name: c.name, scopes: c.scopes })).key}`,
          }
        : await sessionOf(globexOwner);
      const held = c.scopes ? scopePermissions(c.scopes) : null;

      for (const format of ["parquet", "csv"]) {
        const download = tenantRoute<{ id: string }>("query.read", downloadResult, { deps });
        const res = await download(
          new Request(`http://localhost/api/queries/${acme.queryId}/download?format=${format}`, { headers }),
          { params: Promise.resolve({ id: acme.queryId }) },
        );
        expect(res.status, `download ${format}`).toBe(expected(held, "query.read"));
      }

      const audit = tenantRoute<object>("audit.read", exportAudit, { deps });
      const exp = await audit(new Request("http://localhost/api/audit/export", { headers }), undefined as never);
      if (held && !held.has("audit.read")) expect(exp.status).toBe(403);
      else {
        const body = await exp.text();
        expect(exp.status).toBe(200);
        for (const id of [acme.tenantId, acme.datasetId, acme.queryId, acmeOwner.id]) expect(body).not.toContain(id);
      }

      for (const method of ["HEAD", "PATCH", "DELETE"] as const) {
        const res = await uploads(
          new Request(`http://localhost/api/uploads/${acmeUpload}`, {
            method,
            headers: {
              ...headers,
              "Tus-Resumable": "1.0.0",
              ...(method === "PATCH"
                ? { "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }
                : {}),
            },
            body: method === "PATCH" ? Buffer.from("0123456789") : undefined,
          }),
        );
        expect(res.status, `tus ${method}`).toBe(expected(held, "upload.create"));
      }
      const row = await t.db.upload.findUniqueOrThrow({ where: { id: acmeUpload } });
      expect([row.status, row.tenantId]).toEqual(["CREATED", acmeOwner.tenantId]);
    });
  }
});
