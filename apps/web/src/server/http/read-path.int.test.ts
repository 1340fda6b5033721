// The per-request cost of the read paths, counted rather than timed: how many
// times a request talks to PostgreSQL and how many session cookies it
// decodes. Every security decision stays per request: a removed member, a
// foreign workspace or a forged cookie is refused on the very next request.
import pg from "pg";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "@scrollintel/core/db/client";
import { findInfraOutage } from "@scrollintel/core/infra-outage";
import { createLogger } from "@scrollintel/core/logger";
import { monthKey } from "@scrollintel/core/quota";
import { chainHash } from "@scrollintel/core/audit";
import { getPoolOf, sqlTenantTx } from "@scrollintel/core/db/sql";
import { appendAudit } from "@scrollintel/core/services/audit-service";
import { verifyAuditChain } from "@scrollintel/core/services/audit-query-service";
import { resolveUserTenant } from "@scrollintel/core/services/auth-service";
import { cacheKeyFor } from "@scrollintel/core/services/query-cache-service";
import { findDatasets } from "@scrollintel/core/services/dataset-service";
import { getUsageSummary } from "@scrollintel/core/services/usage-report-service";
import { authSecret } from "@/env";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { sessionDecodeCount } from "@/server/auth/session-cache";
import { createMember, createTenant, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { classifyError } from "./classify-error";
import { createTrpcHandler } from "./trpc-handler";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let user: TestUser;
let other: TestUser;
let trpc: (req: Request) => Promise<Response>;

beforeAll(async () => {
  t = await createTestDb();
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
  other = await createMember(t.db, await createTenant(t.db), "ANALYST");
  trpc = createTrpcHandler(() => ({ db: t.db, log }));
});
afterAll(() => t.drop());
afterEach(() => vi.restoreAllMocks());

async function cookieFor(u: TestUser, slug = u.slug): Promise<string> {
  const token = await encode({ token: { uid: u.id, email: u.email, name: "x", pa: false }, secret: authSecret() });
  return `next-auth.session-token=${token}; si_tenant=${slug}`;
}

const get = (proc: string, cookie: string, input?: unknown) =>
  trpc(
    new Request(
      `http://localhost/api/trpc/${proc}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`,
      { headers: { cookie } },
    ),
  );

/** Round trips to PostgreSQL (each pg client query is one exchange) while `fn` runs. */
async function roundTrips<T>(fn: () => Promise<T>): Promise<{ n: number; out: T }> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    const out = await fn();
    return { n: spy.mock.calls.length, out };
  } finally {
    spy.mockRestore();
  }
}

describe("tenant resolution", () => {
  it("takes one round trip for a signed-in user (it took three: BEGIN + scope, the lookup, COMMIT)", async () => {
    const meta = { ip: null, userAgent: null, tenantSlug: user.slug };
    const caller = { kind: "user" as const, userId: user.id, email: user.email, isPlatformAdmin: false };
    await resolveTenantCtx(t.db, caller, meta); // the pool's connection is open
    const { n, out } = await roundTrips(() => resolveTenantCtx(t.db, caller, meta));
    expect(out).toMatchObject({ tenantId: user.tenantId, role: "ANALYST", slug: user.slug });
    expect(n).toBe(1);
  });

  it("quotes what it inlines: a slug made of SQL finds nothing", async () => {
    const actor = { type: "USER" as const, id: user.id };
    for (const slug of [`x' OR '1'='1`, `${user.slug}' --`, "\\'; SELECT 1; --"]) {
      await expect(resolveUserTenant(t.db, { userId: user.id, tenantSlug: slug, actor })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
    await expect(
      resolveUserTenant(t.db, { userId: `${user.id}' OR '1'='1`, tenantSlug: null, actor }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The connection the failed statements ran on went back to the pool clean.
    expect(await resolveUserTenant(t.db, { userId: user.id, tenantSlug: null, actor })).toMatchObject({
      tenantId: user.tenantId,
    });
  });
});

describe("a whole request", () => {
  it("decodes a session cookie once, not on every request", async () => {
    const cookie = await cookieFor(user);
    const before = sessionDecodeCount();
    for (let i = 0; i < 5; i++) expect((await get("savedQuery.list", cookie)).status).toBe(200);
    expect(sessionDecodeCount() - before).toBe(1);
  });

  it("savedQuery.list and usage.summary: the round trips per request stay as counted", async () => {
    const cookie = await cookieFor(user);
    await get("savedQuery.list", cookie);
    const saved = await roundTrips(() => get("savedQuery.list", cookie));
    expect(saved.out.status).toBe(200);
    const usage = await roundTrips(() => get("usage.summary", cookie));
    expect(usage.out.status).toBe(200);
    // Each: the session's current version (so sign-out ends a session at once) with the membership in the
    // workspace the request names, then its read, one round trip each. Before, the session and the tenant
    // were one each, and the reads alone were 5 (savedQuery.list: Prisma's BEGIN, scoping, read, COMMIT)
    // and 7 (usage.summary: three Prisma reads).
    expect({ savedQueryList: saved.n, usageSummary: usage.n }).toEqual({ savedQueryList: 2, usageSummary: 2 });
  });

  it("usage.summary answers what Prisma's reads answered", async () => {
    const ctx = {
      tenantId: user.tenantId,
      role: "ANALYST" as const,
      actor: { type: "USER" as const, id: user.id },
      suspended: false,
      scopes: null,
    };
    await t.db.usageMonthly.create({
      data: { tenantId: user.tenantId, month: monthKey(), ingestBytes: 5n, ingestRows: 7n, scanBytes: 9n, queries: 3 },
    });
    const quota = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    const s = await getUsageSummary(t.db, ctx);
    expect(s).toEqual({
      quota: {
        ...quota,
        storageHeadroom: quota.storageBytesLimit - quota.storageBytesUsed - quota.storageBytesReserved,
      },
      month: monthKey(),
      ingestBytes: 5n,
      ingestRows: 7n,
      scanBytes: 9n,
      queries: 3,
      activeJobs: 0,
    });
    const none = await getUsageSummary(t.db, { ...ctx, tenantId: other.tenantId });
    expect(none).toMatchObject({ ingestBytes: 0n, ingestRows: 0n, scanBytes: 0n, queries: 0, activeJobs: 0 });
  });

  it("still refuses per request: a forged cookie, a foreign workspace, a membership removed a moment ago", async () => {
    const cookie = await cookieFor(user);
    expect((await get("savedQuery.list", cookie)).status).toBe(200);
    const forged = cookie.replace(/session-token=([^;]{10})/, "session-token=AAAAAAAAAA");
    expect((await get("savedQuery.list", forged)).status).toBe(401);
    expect((await get("savedQuery.list", await cookieFor(user, other.slug))).status).toBe(404);
    await t.db.membership.deleteMany({ where: { userId: user.id } });
    expect((await get("savedQuery.list", cookie)).status).toBe(404);
  });
});

describe("dataset.list", () => {
  it("answers what Prisma's reads answered, without other tenants' or trashed rows", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const stranger = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const ctx = {
      tenantId: u.tenantId,
      role: "ANALYST" as const,
      actor: { type: "USER" as const, id: u.id },
      suspended: false,
      scopes: null,
    };
    const version = (tenantId: string, datasetId: string, v: number, extra: Record<string, unknown> = {}) =>
      t.db.datasetVersion.create({
        data: { tenantId, datasetId, version: v, uploadId: `up${v}`, sourceBytes: 10n * BigInt(v), ...extra },
      });
    // Ready v1 under a newer failed v2; one never ready; one whose newest version is trashed; one trashed; a stranger's.
    const a = await t.db.dataset.create({
      data: { tenantId: u.tenantId, name: "a", createdBy: u.id, readyVersion: 1 },
    });
    await version(u.tenantId, a.id, 1, {
      status: "READY",
      rowCount: 5n,
      columns: [{ name: "x", type: "BIGINT" }],
      preview: [{ x: 1 }],
      profile: [{ name: "x" }],
      finishedAt: new Date(),
    });
    await version(u.tenantId, a.id, 2, { status: "FAILED", error: "bad row", progress: { percent: 50 } });
    const b = await t.db.dataset.create({ data: { tenantId: u.tenantId, name: "b", createdBy: u.id } });
    await version(u.tenantId, b.id, 1);
    const c = await t.db.dataset.create({ data: { tenantId: u.tenantId, name: "c", createdBy: u.id } });
    await version(u.tenantId, c.id, 1);
    await version(u.tenantId, c.id, 2, { trashedAt: new Date() });
    await t.db.dataset.create({
      data: { tenantId: u.tenantId, name: "gone", createdBy: u.id, trashedAt: new Date(), trashSlot: "x" },
    });
    const s = await t.db.dataset.create({ data: { tenantId: stranger.tenantId, name: "a", createdBy: stranger.id } });
    await version(stranger.tenantId, s.id, 1);

    // The reads as Prisma made them before.
    const ds = await t.db.dataset.findMany({
      where: { tenantId: u.tenantId, trashedAt: null },
      orderBy: { createdAt: "desc" },
      include: { versions: { where: { trashedAt: null }, orderBy: { version: "desc" }, take: 1 } },
    });
    const ready = await t.db.datasetVersion.findMany({
      where: {
        tenantId: u.tenantId,
        OR: ds.filter((d) => d.readyVersion !== null).map((d) => ({ datasetId: d.id, version: d.readyVersion! })),
      },
    });
    const out = await findDatasets(t.db, ctx);
    expect(out.map((d) => d.name)).toEqual(["c", "b", "a"]);
    for (const d of out) {
      const want = ds.find((x) => x.id === d.id)!;
      const { versions, ...row } = want;
      const readyRow = ready.find((v) => v.datasetId === d.id);
      const { latest: _l, current: _c, countsHidden, ...columns } = d;
      expect(columns).toEqual(row);
      expect(countsHidden).toBe(false);
      expect(d.latest?.id).toBe(versions[0]?.id);
      expect(d.current?.id).toBe((readyRow ?? versions[0])?.id);
    }
    const la = out.find((d) => d.name === "a")!;
    expect(la.latest).toMatchObject({ version: 2, status: "FAILED", error: "bad row", progress: { percent: 50 } });
    expect(la.current).toMatchObject({ version: 1, status: "READY", rowCount: 5n, sourceBytes: 10n });
    expect(la.current?.columns).toEqual([{ name: "x", type: "BIGINT" }]);
    expect(la.current?.createdAt).toBeInstanceOf(Date);
    expect(la.current).not.toHaveProperty("preview");
    expect(out.find((d) => d.name === "c")!.latest?.version).toBe(1);
  });
});

/** A READY dataset and a SUCCEEDED run over it whose whole result is in its preview (as bench:load reads). */
async function readyDatasetAndRun(u: TestUser) {
  const d = await t.db.dataset.create({
    data: { tenantId: u.tenantId, name: "sales", createdBy: u.id, readyVersion: 1 },
  });
  await t.db.datasetVersion.create({
    data: {
      tenantId: u.tenantId,
      datasetId: d.id,
      version: 1,
      uploadId: "up1",
      sourceBytes: 10n,
      status: "READY",
      rowCount: 2n,
      columns: [{ name: "email", type: "VARCHAR" }],
      preview: [{ email: "a@x.test" }, { email: "b@x.test" }],
      profile: [],
    },
  });
  const run = await t.db.queryRun.create({
    data: {
      tenantId: u.tenantId,
      userId: u.id,
      sql: "SELECT email FROM sales",
      status: "SUCCEEDED",
      columns: [{ name: "email", type: "VARCHAR" }],
      previewRows: [{ email: "a@x.test" }, { email: "b@x.test" }],
      rowCount: 2n,
      resultKey: `tenants/${u.tenantId}/results/r.parquet`,
      resultBytes: 100n,
    },
  });
  return { datasetId: d.id, runId: run.id };
}

async function json(res: Response): Promise<{ result?: { data: { json: Record<string, unknown> } } }> {
  return (await res.json()) as { result?: { data: { json: Record<string, unknown> } } };
}

describe("dataset.list, dataset.get and query.page", () => {
  it("take one round trip each after the caller's (each was a Prisma transaction of several)", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const { datasetId, runId } = await readyDatasetAndRun(u);
    const cookie = await cookieFor(u);
    await get("dataset.list", cookie);
    const list = await roundTrips(() => get("dataset.list", cookie));
    const one = await roundTrips(() => get("dataset.get", cookie, { id: datasetId }));
    const page = await roundTrips(() => get("query.page", cookie, { id: runId, page: 0, waitMs: 0 }));
    for (const r of [list, one, page]) expect(r.out.status).toBe(200);
    expect((await json(one.out)).result?.data.json).toMatchObject({
      id: datasetId,
      preview: [{ email: "a@x.test" }, { email: "b@x.test" }],
    });
    expect((await json(page.out)).result?.data.json).toMatchObject({
      status: "READY",
      rows: [{ email: "a@x.test" }, { email: "b@x.test" }],
    });
    expect({ list: list.n, get: one.n, page: page.n }).toEqual({ list: 2, get: 2, page: 2 });
  });

  it("keep their walls: another workspace's ids are NOT_FOUND, a policy still hides and masks", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const stranger = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const { datasetId, runId } = await readyDatasetAndRun(u);
    const theirs = await cookieFor(stranger);
    expect((await get("dataset.get", theirs, { id: datasetId })).status).toBe(404);
    expect((await get("query.page", theirs, { id: runId, page: 0, waitMs: 0 })).status).toBe(404);

    // A mask on the column: the dataset page shows it masked, and the run (computed before it) is refused.
    await t.db.datasetPolicy.create({
      data: {
        tenantId: u.tenantId,
        datasetId,
        updatedBy: u.id,
        policy: {
          visibility: "everyone",
          allow: [],
          masks: [{ column: "email", method: "redact", subjects: [{ kind: "role", role: "ANALYST" }] }],
          rowFilters: [],
        },
      },
    });
    const mine = await cookieFor(u);
    const masked = (await json(await get("dataset.get", mine, { id: datasetId }))).result?.data.json;
    expect(masked?.preview).toEqual([{ email: "***" }, { email: "***" }]);
    expect((await get("query.page", mine, { id: runId, page: 0, waitMs: 0 })).status).toBe(403);

    // Visible to admins only: listed and shown to nobody else.
    await t.db.datasetPolicy.update({
      where: { datasetId },
      data: {
        policy: { visibility: "restricted", allow: [{ kind: "role", role: "ADMIN" }], masks: [], rowFilters: [] },
      },
    });
    const listed = (await json(await get("dataset.list", mine))).result?.data.json as unknown as { id: string }[];
    expect(listed.map((d) => d.id)).not.toContain(datasetId);
    expect((await get("dataset.get", mine, { id: datasetId })).status).toBe(404);
  });
});

describe("more requests than connections", () => {
  it("a Prisma transaction that finds no pool connection within maxWait is busy (429 + Retry-After), not a 503 or a bug", async () => {
    const small = createDb(t.url, { max: 1 });
    const held = await getPoolOf(small).connect();
    try {
      const e = await small.$transaction((tx) => tx.user.count(), { maxWait: 200 }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: "P2028" });
      expect(findInfraOutage(e)).toMatchObject({ dependency: "database" });
      expect(classifyError(e, "r1")).toMatchObject({ http: 429, trpc: "TOO_MANY_REQUESTS", retryAfter: 1 });
    } finally {
      held.release();
      await small.$disconnect();
    }
  });

  it("a plain-SQL read waits at most poolWaitMs for a connection, then the request is answered 429 + Retry-After", async () => {
    const small = createDb(t.url, { max: 1, poolWaitMs: 200 });
    const handler = createTrpcHandler(() => ({ db: small, log }));
    const cookie = await cookieFor(await createMember(t.db, await createTenant(t.db), "VIEWER"));
    const held = await getPoolOf(small).connect();
    try {
      const res = await handler(new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie } }));
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("1");
    } finally {
      held.release();
    }
    // The connection the refused request would have had went back: the next request is served.
    const ok = await handler(new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie } }));
    expect(ok.status).toBe(200);
    await small.$disconnect();
  });
});

describe("a request whose client has left", () => {
  it("is answered 499 without a round trip when it was gone before the web got to it", async () => {
    const cookie = await cookieFor(user);
    await get("savedQuery.list", cookie);
    const gone = new AbortController();
    gone.abort();
    const { n, out } = await roundTrips(() =>
      trpc(new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie }, signal: gone.signal })),
    );
    expect(out.status).toBe(499);
    expect(out.headers.get("x-request-id")).toBeTruthy();
    expect(n).toBe(0);
  });

  it("does not start its procedure when the client leaves while the caller is resolved", async () => {
    const cookie = await cookieFor(await createMember(t.db, await createTenant(t.db), "ANALYST"));
    // query.list reads through Prisma, whose connections do not pass the pool wait that also checks.
    const url = `http://localhost/api/trpc/query.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}`;
    expect((await trpc(new Request(url, { headers: { cookie } }))).status).toBe(200);
    const leaving = new AbortController();
    const query = pg.Client.prototype.query;
    // The client leaves while the caller's statement (the request's first) is running.
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementationOnce(function (this: pg.Client, ...a) {
      leaving.abort();
      return (query as (...x: unknown[]) => unknown).apply(this, a) as never;
    });
    const res = await trpc(new Request(url, { headers: { cookie }, signal: leaving.signal }));
    expect(res.status).toBe(499);
    expect(spy.mock.calls.length).toBe(1); // the caller's; the procedure's read never ran
  });

  it("stops waiting for a pool connection when its client leaves, and the connection goes to the next request", async () => {
    const small = createDb(t.url, { max: 1, poolWaitMs: 60_000 });
    const handler = createTrpcHandler(() => ({ db: small, log }));
    const cookie = await cookieFor(await createMember(t.db, await createTenant(t.db), "VIEWER"));
    const held = await getPoolOf(small).connect();
    const leaving = new AbortController();
    try {
      const answer = handler(
        new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie }, signal: leaving.signal }),
      );
      await waitUntil(() => Promise.resolve(getPoolOf(small).waitingCount === 1));
      leaving.abort();
      // Answered while the only connection is still held: it no longer waits for one.
      expect((await answer).status).toBe(499);
    } finally {
      held.release();
    }
    const spy = vi.spyOn(pg.Client.prototype, "query");
    const ok = await handler(new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie } }));
    expect(ok.status).toBe(200);
    // Only the served request's statements ran (the caller's and its read): none for the one that left.
    expect(spy.mock.calls.length).toBe(2);
    spy.mockRestore();
    await small.$disconnect();
  });
});

/** Sessions of this test's database waiting for an advisory lock. */
async function advisoryWaiters(): Promise<number> {
  const [r] = await t.db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return Number(r!.n);
}

async function waitUntil(cond: () => Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 50));
}

describe("a cached query.run", () => {
  const runCached = (cookie: string) =>
    trpc(
      new Request("http://localhost/api/trpc/query.run", {
        method: "POST",
        headers: { cookie, "content-type": "application/json", origin: "http://localhost" },
        body: JSON.stringify({ json: { sql: "SELECT 42 AS x", waitMs: 0 } }),
      }),
    );

  /** A stored result of `SELECT 42 AS x` for this reader now, as a finished run leaves it. */
  async function seedCachedResult(u: TestUser): Promise<string> {
    const ctx = { tenantId: u.tenantId, role: "ANALYST" as const, actor: { type: "USER" as const, id: u.id } };
    const { cacheKey, accessDigest } = await sqlTenantTx(t.db, u.tenantId, (sql) =>
      cacheKeyFor(sql, { ...ctx, suspended: false, scopes: null }, "SELECT 42 AS x"),
    );
    const run = await t.db.queryRun.create({
      data: {
        tenantId: u.tenantId,
        userId: u.id,
        sql: "SELECT 42 AS x",
        status: "SUCCEEDED",
        cacheKey,
        accessDigest,
        resultKey: `results/${u.tenantId}/seeded.parquet`,
        columns: [{ name: "x", type: "INTEGER" }],
        previewRows: [{ x: 42 }],
        rowCount: 1n,
        resultBytes: 10n,
      },
    });
    return run.id;
  }

  it("takes six round trips: the caller's, then BEGIN, the reader's view, find-copy-meter-lock, the audit insert, COMMIT (it took ten)", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const source = await seedCachedResult(u);
    const cookie = await cookieFor(u);
    expect((await runCached(cookie)).status).toBe(200); // the session is decoded, the chain's tail known
    const { n, out } = await roundTrips(() => runCached(cookie));
    expect(out.status).toBe(200);
    const body = (await out.json()) as { result: { data: { json: { status: string; cachedFromId: string } } } };
    expect(body.result.data.json).toMatchObject({ status: "SUCCEEDED", cachedFromId: source });
    // Before: the caller's, BEGIN, the reader's policies and datasets (two), find-and-copy, usage, the
    // audit lock, the chain's last link, the audit insert, COMMIT.
    expect(n).toBe(6);
    const usage = await t.db.usageMonthly.findFirstOrThrow({ where: { tenantId: u.tenantId } });
    expect(usage.queries).toBe(2);
    const audited = await t.db.auditEvent.findMany({ where: { tenantId: u.tenantId, action: "query.run" } });
    expect(audited).toHaveLength(2);
    expect(await verifyAuditChain(t.db, u.tenantId)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("keeps the audit chain whole when the remembered last link is stale (rolled back, or written elsewhere)", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    await seedCachedResult(u);
    const cookie = await cookieFor(u);
    expect((await runCached(cookie)).status).toBe(200);
    // An append this process remembers, rolled back.
    await expect(
      sqlTenantTx(t.db, u.tenantId, async (sql) => {
        await appendAudit(sql, { tenantId: u.tenantId, actor: { type: "USER", id: u.id }, action: "test.rolled_back" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await runCached(cookie)).status).toBe(200);
    // An append by another process (written here without this process's memory of the tail).
    await sqlTenantTx(t.db, u.tenantId, async (sql) => {
      await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [u.tenantId]);
      const [last] = await sql.query<{ seq: number; hash: string }>(
        `SELECT seq, hash FROM "AuditEvent" WHERE "tenantId" = $1 ORDER BY seq DESC LIMIT 1`,
        [u.tenantId],
      );
      const record = {
        tenantId: u.tenantId,
        seq: last!.seq + 1,
        actorId: null,
        actorType: "SYSTEM",
        action: "test.elsewhere",
        target: null,
        ip: null,
        userAgent: null,
        metadata: {},
        createdAt: new Date(),
      };
      await sql.query(
        `INSERT INTO "AuditEvent" ("tenantId", seq, "actorId", "actorType", action, metadata, "createdAt", "prevHash", hash)
         VALUES ($1, $2, NULL, 'SYSTEM', 'test.elsewhere', '{}', $3::timestamptz AT TIME ZONE 'UTC', $4, $5)`,
        [u.tenantId, record.seq, record.createdAt.toISOString(), last!.hash, chainHash(last!.hash, record)],
      );
    });
    expect((await runCached(cookie)).status).toBe(200);
    const events = await t.db.auditEvent.findMany({ where: { tenantId: u.tenantId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action).filter((a) => a !== "tenant.create")).toEqual(
      expect.arrayContaining(["query.run", "test.elsewhere"]),
    );
    expect(events.map((e) => e.action)).not.toContain("test.rolled_back");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await verifyAuditChain(t.db, u.tenantId)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("is not another reader's: a foreign workspace's cookie gets nothing of it, a policy change misses the cache", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const source = await seedCachedResult(u);
    const foreign = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const theirs = await runCached(await cookieFor(foreign));
    const run = (await theirs.json()) as { result: { data: { json: { cachedFromId: string | null } } } };
    expect(run.result.data.json.cachedFromId).not.toBe(source);
    const ours = (await (await runCached(await cookieFor(u))).json()) as typeof run;
    expect(ours.result.data.json.cachedFromId).toBe(source);
  });
});

describe("runs waiting for their workspace's audit lock", () => {
  it("hold at most 4 of the 10 connections: the rest of the runs are told to retry, and reads still get through", async () => {
    const pooled = createDb(t.url, { max: 10, poolWaitMs: 300 });
    const handler = createTrpcHandler(() => ({ db: pooled, log }));
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const cookie = await cookieFor(u);
    const run = () =>
      handler(
        new Request("http://localhost/api/trpc/query.run", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: "http://localhost" },
          body: JSON.stringify({ json: { sql: "SELECT 42 AS x", cache: false, waitMs: 0 } }),
        }),
      );
    // Another session holds the workspace's audit chain lock, as a slow writer would.
    const holder = await getPoolOf(t.db).connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", [u.tenantId]);
      let answered = 0;
      const runs = Array.from({ length: 10 }, () =>
        run().then((r) => {
          answered++;
          return r;
        }),
      );
      // Four runs got a turn and wait on the lock (each holding a connection); the other six wait for a turn.
      await waitUntil(async () => (await advisoryWaiters()) === 4);
      const reads = await Promise.all(
        Array.from({ length: 5 }, () =>
          handler(new Request("http://localhost/api/trpc/savedQuery.list", { headers: { cookie } })),
        ),
      );
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // The six without a turn are answered while the lock is still held.
      await waitUntil(() => Promise.resolve(answered === 6));
      await holder.query("ROLLBACK");
      const statuses = (await Promise.all(runs)).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429, 429]);
    } finally {
      holder.release();
      await pooled.$disconnect();
    }
  });
});

describe("uncached queries beyond what the workspace can queue", () => {
  it("wait a bounded time for the job-slot lock, then get 429 + Retry-After (not a held connection or a timeout)", async () => {
    const u = await createMember(t.db, await createTenant(t.db), "ANALYST");
    const cookie = await cookieFor(u);
    // Another request of the workspace holds the job-slot lock (as one that is admitting work does).
    const holder = await getPoolOf(t.db).connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))", [u.tenantId]);
      const res = await trpc(
        new Request("http://localhost/api/trpc/query.run", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: "http://localhost" },
          body: JSON.stringify({ json: { sql: "SELECT 42 AS x", cache: false, waitMs: 0 } }),
        }),
      );
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("1");
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    // With the lock free the same request is admitted.
    const ok = await trpc(
      new Request("http://localhost/api/trpc/query.run", {
        method: "POST",
        headers: { cookie, "content-type": "application/json", origin: "http://localhost" },
        body: JSON.stringify({ json: { sql: "SELECT 42 AS x", cache: false, waitMs: 0 } }),
      }),
    );
    expect(ok.status).toBe(200);
  });
});
