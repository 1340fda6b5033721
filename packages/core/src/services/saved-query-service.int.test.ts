import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import {
  createSavedQuery,
  deleteSavedQuery,
  findSavedQueries,
  getSavedQueryById,
  updateSavedQuery,
  ZSavedQueryInput,
} from "./saved-query-service";

let t: TestDb;
let owner: TestUser;
let colleague: TestUser;
let admin: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db);
  owner = await createMember(t.db, tenant, "ANALYST");
  colleague = await createMember(t.db, tenant, "ANALYST");
  admin = await createMember(t.db, tenant, "ADMIN");
  viewer = await createMember(t.db, tenant, "VIEWER");
});
afterAll(() => t.drop());

const chart = { kind: "line" as const, x: "day", y: ["revenue"], series: "region" };

describe("saved queries", () => {
  let id = "";

  it("keeps a new query private to its owner, with its chart", async () => {
    const q = await createSavedQuery(
      t.db,
      ctxOf(owner),
      ZSavedQueryInput.parse({ name: "Revenue by day", sql: "SELECT 1", chart }),
    );
    id = q.id;
    expect(q).toMatchObject({ name: "Revenue by day", shared: false, mine: true, chart });
    await expect(getSavedQueryById(t.db, ctxOf(colleague), id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await findSavedQueries(t.db, ctxOf(colleague))).toEqual([]);
  });

  it("shares it with the whole tenant, read-only for everyone but the owner", async () => {
    await updateSavedQuery(t.db, ctxOf(owner), id, { shared: true });
    const seen = await findSavedQueries(t.db, ctxOf(viewer));
    expect(seen.map((q) => [q.id, q.mine])).toEqual([[id, false]]);
    await expect(updateSavedQuery(t.db, ctxOf(colleague), id, { sql: "SELECT 2" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(deleteSavedQuery(t.db, ctxOf(colleague), id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("changes only the fields a patch names", async () => {
    const q = await updateSavedQuery(t.db, ctxOf(owner), id, { name: "Daily revenue" });
    expect(q).toMatchObject({ name: "Daily revenue", sql: "SELECT 1", shared: true, chart });
    expect((await updateSavedQuery(t.db, ctxOf(owner), id, { chart: null })).chart).toBeNull();
  });

  it("refuses viewers who cannot run queries", async () => {
    await expect(
      createSavedQuery(t.db, ctxOf(viewer), ZSavedQueryInput.parse({ name: "x", sql: "SELECT 1" })),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets a tenant admin delete a shared query, and writes the audit trail", async () => {
    await deleteSavedQuery(t.db, ctxOf(admin), id);
    await expect(getSavedQueryById(t.db, ctxOf(owner), id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const actions = await t.db.auditEvent.findMany({ where: { target: id }, orderBy: { seq: "asc" } });
    expect(actions.map((a) => a.action)).toEqual([
      "savedQuery.create",
      "savedQuery.update",
      "savedQuery.update",
      "savedQuery.update",
      "savedQuery.delete",
    ]);
  });
});
