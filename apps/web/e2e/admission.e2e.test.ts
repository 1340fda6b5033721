// Admission at the door on the real built web: with WEB_MAX_BUSY_REQUESTS
// tRPC requests at work, the next one is answered 429 + Retry-After before
// Next runs anything for it, and the web takes requests again once one ends.
// A request is held at work by the workspace's job-slot lock, which a query
// run takes (and waits for, holding its database connection).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import "../../../test/provided-context";
import { signInCookie } from "../../../test/e2e-session";
import { startWebServer, type WebServer } from "../../../test/web-server";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-admission-"));
let server: WebServer;
let cookie = "";
let tenantId = "";

beforeAll(async () => {
  server = await startWebServer(
    { DATABASE_URL: inject("e2eDatabaseUrl"), DATA_DIR: tmp, WEB_MAX_BUSY_REQUESTS: "1" },
    path.join(tmp, "web.log"),
  );
  cookie = await signInCookie(server.baseUrl, "analyst@acme.test");
  const c = new pg.Client({ connectionString: inject("e2eDatabaseUrl") });
  await c.connect();
  tenantId = (await c.query<{ id: string }>(`SELECT id FROM "Tenant" WHERE slug = 'acme'`)).rows[0]!.id;
  await c.end();
});

afterAll(async () => {
  await server?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const usage = () => fetch(`${server.baseUrl}/api/trpc/usage.summary`, { headers: { cookie } });

describe("admission at the door", () => {
  it("answers 429 + Retry-After while the limit's requests are at work, and serves again after", async () => {
    expect((await usage()).status).toBe(200);

    // Hold acme's job-slot lock: a query run waits for it at work, the web's one busy request.
    const holder = new pg.Client({ connectionString: inject("e2eDatabaseUrl") });
    await holder.connect();
    const watcher = new pg.Client({ connectionString: inject("e2eDatabaseUrl") });
    await watcher.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))", [tenantId]);
    const run = fetch(`${server.baseUrl}/api/trpc/query.run`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: server.baseUrl },
      body: JSON.stringify({ json: { sql: "SELECT 1 AS one", cache: false, waitMs: 0 } }),
    });
    try {
      // The run is at work, waiting on the lock, once PostgreSQL shows it waiting.
      let answered: string | null = null;
      void run.then(async (r) => (answered = `${r.status} ${await r.clone().text()}`));
      // (Asked outside the holder's transaction, whose view of pg_stat_activity stays as first read.)
      for (;;) {
        if (answered) throw new Error(`query.run answered before it waited for the lock: ${answered}`);
        const { rows } = await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%AS locked FROM pg_advisory_xact_lock%'`,
        );
        if (rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const shed = await usage();
      expect(shed.status).toBe(429);
      expect(shed.headers.get("retry-after")).toBe("1");
      expect(shed.headers.get("x-request-id")).toBeTruthy();
      const body = (await shed.json()) as { error: { json: { message: string; data: { code: string } } } };
      expect(body.error.json).toMatchObject({
        message: "ScrollIntel is busy; retry in a moment.",
        data: { code: "TOO_MANY_REQUESTS" },
      });
      // Health is never shed: the process is alive, only busy.
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    } finally {
      await holder.query("COMMIT");
      await holder.end();
      await watcher.end();
    }
    // The run got the lock, or gave up after its 2 s wait (429: its workspace is queueing work); either
    // way it ended, and the web takes requests again.
    const ran = await run;
    await ran.text();
    expect([200, 429]).toContain(ran.status);
    // (The server counts the run ended at its response's finish, a moment after the client has it.)
    await vi.waitUntil(async () => (await usage()).status === 200, { timeout: 10_000, interval: 50 });
  });
});
