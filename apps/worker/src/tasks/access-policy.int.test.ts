// Masks, row filters and dataset permissions, tried from the attacker's side:
// SQL that tries to get around them (joins, aggregates, LIKE probing, reading
// the Parquet files, system views), cached results shared between readers,
// other readers' results, exports, previews and profiles.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetPolicy } from "@scrollintel/core/access/policy";
import {
  createAccessGroup,
  setAccessGroupMembers,
  setMemberAttributes,
} from "@scrollintel/core/services/access-group-service";
import { setDatasetPolicy } from "@scrollintel/core/services/access-policy-service";
import { apiKeyTenantCtx, authenticateApiKey, createApiKey } from "@scrollintel/core/services/api-key-service";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { findDatasets, getDatasetById } from "@scrollintel/core/services/dataset-service";
import { getExportDownload, requestExport } from "@scrollintel/core/services/query-export-service";
import { createQueryRun, findQuerySchema, getQueryRunById } from "@scrollintel/core/services/query-service";
import { getResultPage } from "@scrollintel/core/services/result-page-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask, uploadFile } from "../../../../test/worker-harness";
import { localPathsFor } from "../local-path-for";
import { makeIngestTask } from "./ingest";
import { makeQueryExportTask } from "./query-export";
import { makeQueryTask } from "./query";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let admin: TestUser;
let eu: TestUser;
let eu2: TestUser;
let us: TestUser;
let sneaky: TestUser;
let globexAdmin: TestUser;
let globexAnalyst: TestUser;
let customersId = "";
let plansId = "";

const CUSTOMERS = [
  "id,email,contact,region,salary",
  "1,alice@example.com,alice@example.com,EU,100",
  "2,bob@example.com,bob@example.com,US,200",
  "3,carol@example.org,carol@example.org,EU,300",
  "4,dave@x.com,dave@x.com,APAC,400",
].join("\n");
const ORDERS = "email,amount\nalice@example.com,5\nalice@example.com,7\nbob@example.com,11\ncarol@example.org,13\n";
// The salaries are matched as whole numbers: a salted hash or an id is a run of
// letters and digits that holds "300" by chance about once in sixty.
const RAW = [/alice/, /bob@/, /carol@/, /dave@/, /\b100\b/, /\b300\b/];

const ANALYST = { kind: "role", role: "ANALYST" } as const;
const POLICY: DatasetPolicy = {
  visibility: "everyone",
  allow: [],
  masks: [
    { column: "email", method: "hash", subjects: [ANALYST] },
    { column: "contact", method: "partial", subjects: [ANALYST] },
    { column: "salary", method: "nullify", subjects: [ANALYST] },
  ],
  rowFilters: [{ predicate: "region = user.region", subjects: [ANALYST] }],
};
const ORDERS_POLICY: DatasetPolicy = {
  visibility: "everyone",
  allow: [],
  masks: [{ column: "email", method: "hash", subjects: [ANALYST] }],
  rowFilters: [],
};

async function ingest(u: TestUser, name: string, body: string) {
  const up = await uploadFile(deps, ctxOf(u), name, body);
  await runTask(makeIngestTask(deps), { datasetVersionId: up.versionId });
  return up.datasetId;
}

/** What query.run does, with the worker's part run inline (as a member, or with a key's context). */
async function run(user: TestUser | TenantCtx, sql: string) {
  const ctx = "actor" in user ? user : ctxOf(user);
  const { id, cached } = await createQueryRun(t.db, ctx, { sql });
  if (!cached) {
    const job = await t.db.$queryRaw<{ payload: unknown }[]>`
      SELECT payload FROM graphile_worker._private_jobs WHERE payload->>'queryRunId' = ${id}`;
    await runTask(makeQueryTask(deps), job[0]!.payload, { attempts: 1, max_attempts: 1 });
  }
  return { cached: cached !== null, run: await getQueryRunById(t.db, ctx, id) };
}

async function rows(user: TestUser | TenantCtx, sql: string) {
  const { run: r } = await run(user, sql);
  if (r.status !== "SUCCEEDED") throw new Error(r.error ?? r.status);
  return r.previewRows as Record<string, unknown>[];
}

function leaks(value: unknown): string[] {
  const text = JSON.stringify(value);
  return RAW.filter((raw) => raw.test(text)).map((raw) => raw.source);
}

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db);
  const acme = await createTenant(t.db, { slug: "acme" });
  admin = await createMember(t.db, acme, "ADMIN");
  eu = await createMember(t.db, acme, "ANALYST");
  eu2 = await createMember(t.db, acme, "ANALYST");
  us = await createMember(t.db, acme, "ANALYST");
  sneaky = await createMember(t.db, acme, "ANALYST");
  for (const [u, region] of [
    [eu, "EU"],
    [eu2, "EU"],
    [us, "US"],
    [sneaky, "EU' OR '1'='1"],
  ] as const) {
    await setMemberAttributes(t.db, ctxOf(admin), { userId: u.id, attributes: { region } });
  }
  customersId = await ingest(admin, "customers.csv", CUSTOMERS);
  const ordersId = await ingest(admin, "orders.csv", ORDERS);
  plansId = await ingest(admin, "plans.csv", "plan\ntake over globex\n");
  await setDatasetPolicy(t.db, ctxOf(admin), { datasetId: customersId, policy: POLICY });
  await setDatasetPolicy(t.db, ctxOf(admin), { datasetId: ordersId, policy: ORDERS_POLICY });
  const planners = await createAccessGroup(t.db, ctxOf(admin), { name: "planners" });
  await setAccessGroupMembers(t.db, ctxOf(admin), { groupId: planners.id, userIds: [eu2.id] });
  await setDatasetPolicy(t.db, ctxOf(admin), {
    datasetId: plansId,
    policy: { visibility: "restricted", allow: [{ kind: "group", groupId: planners.id }], masks: [], rowFilters: [] },
  });
  const globex = await createTenant(t.db, { slug: "globex" });
  globexAdmin = await createMember(t.db, globex, "ADMIN");
  globexAnalyst = await createMember(t.db, globex, "ANALYST");
  await setMemberAttributes(t.db, ctxOf(globexAdmin), { userId: globexAnalyst.id, attributes: { region: "EU" } });
  const gid = await ingest(globexAdmin, "customers.csv", CUSTOMERS);
  await setDatasetPolicy(t.db, ctxOf(globexAdmin), { datasetId: gid, policy: POLICY });
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

describe("masks and row filters in the sandbox's views", () => {
  it("shows an unmasked reader every row as stored", async () => {
    const r = await rows(admin, "SELECT id, email, salary FROM customers ORDER BY id");
    expect(r).toHaveLength(4);
    expect(r[0]).toMatchObject({ id: "1", email: "alice@example.com", salary: "100" });
  });

  it("gives a masked reader only its rows, with hashed, partial and nullified columns", async () => {
    const r = await rows(eu, "SELECT id, email, contact, region, salary FROM customers ORDER BY id");
    expect(r.map((x) => x.id)).toEqual(["1", "3"]);
    expect(r[0]!.email).toMatch(/^[0-9a-f]{64}$/);
    expect(r[0]).toMatchObject({ contact: "a***@example.com", region: "EU", salary: null });
    expect(r[1]).toMatchObject({ contact: "c***@example.org", salary: null });
    expect(leaks(r)).toEqual([]);
  });

  it("reveals nothing through aggregates over masked or filtered columns", async () => {
    const r = await rows(
      eu,
      `SELECT count(*) AS n, min(salary) AS lo, max(salary) AS hi, sum(salary) AS total, count(DISTINCT salary) AS ds,
              min(email) AS e1, max(contact) AS c1, string_agg(contact, ',') AS cs, list(region) AS regions,
              count(*) FILTER (WHERE region <> 'EU') AS others
         FROM customers`,
    );
    expect(r[0]).toMatchObject({ n: "2", lo: null, hi: null, total: null, ds: "0", others: "0" });
    expect(leaks(r)).toEqual([]);
  });

  it("answers LIKE probes on masked columns against the masked value only", async () => {
    const r = await rows(
      eu,
      `SELECT count(*) FILTER (WHERE email LIKE 'alice%') AS e, count(*) FILTER (WHERE contact LIKE '%lice%') AS c,
              count(*) FILTER (WHERE salary > 50) AS s, count(*) FILTER (WHERE contact LIKE 'a***%') AS masked
         FROM customers`,
    );
    expect(r[0]).toEqual({ e: "0", c: "0", s: "0", masked: "1" });
  });

  it("joins hashed columns within the tenant, and joins cannot bring filtered rows back", async () => {
    const r = await rows(
      eu,
      `SELECT c.id, sum(o.amount) AS total FROM customers c JOIN orders o ON o.email = c.email GROUP BY c.id ORDER BY c.id`,
    );
    expect(r).toEqual([
      { id: "1", total: 12 },
      { id: "3", total: 13 },
    ]);
    const self = await rows(eu, "SELECT count(*) AS n FROM customers a, customers b");
    expect(self[0]).toEqual({ n: "4" });
  });

  it("binds attributes as values: a quote in an attribute is not SQL", async () => {
    expect(await rows(sneaky, "SELECT id FROM customers")).toEqual([]);
    expect((await rows(us, "SELECT id FROM customers")).map((x) => x.id)).toEqual(["2"]);
  });

  it("keys hashes per tenant: the same value hashes differently in another tenant", async () => {
    const sql = "SELECT email FROM customers WHERE id = 1";
    const [mine] = await rows(eu, sql);
    const [theirs] = await rows(globexAnalyst, sql);
    expect(mine!.email).toMatch(/^[0-9a-f]{64}$/);
    expect(theirs!.email).toMatch(/^[0-9a-f]{64}$/);
    expect(mine!.email).not.toBe(theirs!.email);
  });

  it("refuses reading the Parquet files and the view definitions directly", async () => {
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: customersId } });
    const key = (v.files as string[])[0]!;
    // The very file the masked reader's view reads, at the path the sandbox allows.
    const [local] = await localPathsFor(deps, [key]);
    for (const sql of [
      `SELECT * FROM read_parquet('${local}')`,
      `SELECT * FROM '${local}'`,
      `SELECT * FROM read_parquet(['${local}'])`,
      `SELECT * FROM read_parquet('${key}')`,
      `SELECT * FROM '${key}'`,
      `SELECT * FROM parquet_scan('${key}')`,
      "SELECT sql FROM duckdb_views()",
      "SELECT * FROM information_schema.views",
      "SELECT * FROM duckdb_functions()",
    ]) {
      const { run: r } = await run(eu, sql);
      expect(r.status, sql).toBe("FAILED");
      expect(r.error, sql).toMatch(/not available|does not exist|cannot/);
    }
  });
});

describe("dataset permissions", () => {
  it("hides a restricted dataset from the sandbox, the schema and the list of those it does not allow", async () => {
    const { run: r } = await run(eu, "SELECT * FROM plans");
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/plans/);
    expect((await findQuerySchema(t.db, ctxOf(eu))).map((d) => d.name)).not.toContain("plans");
    expect((await findDatasets(t.db, ctxOf(eu))).map((d) => d.name)).not.toContain("plans");
    await expect(getDatasetById(t.db, ctxOf(eu), plansId)).rejects.toThrow(/not found/i);
  });

  it("describes masked columns and hides the stored row count under a row filter in the query schema", async () => {
    const customers = (await findQuerySchema(t.db, ctxOf(eu))).find((d) => d.name === "customers")!;
    expect(customers.rowCount).toBeNull();
    expect(customers.columns.find((c) => c.name === "email")).toMatchObject({ type: "VARCHAR", masked: "hash" });
    const all = (await findQuerySchema(t.db, ctxOf(admin))).find((d) => d.name === "customers")!;
    expect(all.rowCount).toBe(4n);
  });

  it("shows it to a member of an allowed group", async () => {
    expect(await rows(eu2, "SELECT plan FROM plans")).toEqual([{ plan: "take over globex" }]);
  });
});

describe("API keys", () => {
  it("read as the member who created them: a key never sees more than its creator", async () => {
    const keyAdmin = await createMember(t.db, { id: admin.tenantId, slug: admin.slug }, "ADMIN");
    const g = await createAccessGroup(t.db, ctxOf(admin), { name: "key-makers" });
    await setAccessGroupMembers(t.db, ctxOf(admin), { groupId: g.id, userIds: [keyAdmin.id] });
    const orders = (await findDatasets(t.db, ctxOf(admin))).find((d) => d.name === "orders")!;
    await setDatasetPolicy(t.db, ctxOf(admin), {
      datasetId: orders.id,
      policy: {
        ...ORDERS_POLICY,
        masks: [
          ...ORDERS_POLICY.masks,
          { column: "email", method: "redact", subjects: [{ kind: "group", groupId: g.id }] },
        ],
      },
    });
    const { key } = await createApiKey(t.db, ctxOf(keyAdmin), { name: "etl", scopes: ["query", "read"] });
    const keyCtx = apiKeyTenantCtx((await authenticateApiKey(t.db, key))!);
    expect(await rows(keyCtx, "SELECT DISTINCT email FROM orders")).toEqual([{ email: "***" }]);
    expect((await rows(admin, "SELECT DISTINCT email FROM orders ORDER BY 1"))[0]).toEqual({
      email: "alice@example.com",
    });
    await setDatasetPolicy(t.db, ctxOf(admin), { datasetId: orders.id, policy: ORDERS_POLICY });
  });
});

describe("cached and stored results", () => {
  const SQL = "SELECT id, email, salary FROM customers ORDER BY id";
  let adminRun = "";

  it("never answers a reader with other access from another's cached result", async () => {
    const a = await run(admin, SQL);
    adminRun = a.run.id;
    expect(a.run.rowCount).toBe(4n);
    const b = await run(eu, SQL);
    expect(b.cached).toBe(false);
    expect(b.run.rowCount).toBe(2n);
    const c = await run(us, SQL);
    expect(c.cached).toBe(false); // same role, another attribute value
    expect(c.run.rowCount).toBe(1n);
    const d = await run(eu2, SQL);
    expect(d.cached).toBe(false); // eu2 is also in a group that sees plans: other access
    const e = await run(eu, SQL);
    expect(e.cached).toBe(true); // the same reader again
    expect(e.run.rowCount).toBe(2n);
  });

  it("refuses another reader's result, its pages and its exports", async () => {
    await expect(getQueryRunById(t.db, ctxOf(eu), adminRun)).rejects.toThrow(/other data access rules/);
    await expect(getResultPage(t.db, ctxOf(eu), { id: adminRun, page: 0, waitMs: 0 })).rejects.toThrow(
      /other data access rules/,
    );
    for (const format of ["csv", "parquet"] as const) {
      await expect(requestExport(t.db, ctxOf(eu), { id: adminRun, format, waitMs: 0 })).rejects.toThrow(
        /other data access rules/,
      );
      await expect(getExportDownload(t.db, ctxOf(eu), { id: adminRun, format })).rejects.toThrow(
        /other data access rules/,
      );
    }
  });

  it("exports a masked reader's own result masked", async () => {
    const { run: r } = await run(eu, "SELECT * FROM customers ORDER BY id");
    await requestExport(t.db, ctxOf(eu), { id: r.id, format: "csv", waitMs: 0 });
    const exp = await t.db.queryExport.findFirstOrThrow({ where: { queryRunId: r.id } });
    await runTask(makeQueryExportTask(deps), { exportId: exp.id });
    const csv = await getExportDownload(t.db, ctxOf(eu), { id: r.id, format: "csv" });
    const chunks: Buffer[] = [];
    for await (const c of await deps.storage.get(csv.key)) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    expect(text.trim().split("\n")).toHaveLength(3);
    expect(leaks(text)).toEqual([]);
  });

  it("refuses a reader's own old result after its policy changed", async () => {
    const { run: r } = await run(us, "SELECT id FROM customers");
    await setDatasetPolicy(t.db, ctxOf(admin), {
      datasetId: customersId,
      policy: { ...POLICY, rowFilters: [{ predicate: "region = user.region AND id > 0", subjects: [ANALYST] }] },
    });
    await expect(getQueryRunById(t.db, ctxOf(us), r.id)).rejects.toThrow(/other data access rules/);
    await setDatasetPolicy(t.db, ctxOf(admin), { datasetId: customersId, policy: POLICY });
  });
});

describe("previews and profiles", () => {
  it("hides first rows and value statistics from a filtered, masked reader", async () => {
    const d = await getDatasetById(t.db, ctxOf(eu), customersId);
    expect(d.preview).toEqual([]);
    expect(d.access).toMatchObject({ masks: { email: "hash", salary: "nullify" } });
    expect(leaks(d.current!.profile)).toEqual([]);
    const email = d.current!.profile.find((p) => p.name === "email")!;
    expect(email).toMatchObject({ min: null, max: null, top: [], masked: "hash" });
  });

  it("masks first rows for a reader without a row filter, and leaves them for one without masks", async () => {
    const orders = (await findDatasets(t.db, ctxOf(eu))).find((d) => d.name === "orders")!;
    const d = await getDatasetById(t.db, ctxOf(eu), orders.id);
    const preview = d.preview as Record<string, unknown>[];
    expect(preview.length).toBeGreaterThan(0);
    expect(preview[0]!.email).toMatch(/^[0-9a-f]{64}$/);
    expect(leaks(d.preview)).toEqual([]);
    const raw = await getDatasetById(t.db, ctxOf(admin), orders.id);
    expect((raw.preview as Record<string, unknown>[])[0]!.email).toBe("alice@example.com");
  });
});
