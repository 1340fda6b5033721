// The datasets list searches and pages in PostgreSQL: a tenant with many
// datasets never ships them all to the browser, and a search never reaches
// another tenant's names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { findDatasetPage } from "./dataset-service";

let t: TestDb;
let acme: TestUser;
let globex: TestUser;

async function addDatasets(u: TestUser, names: string[]) {
  for (const [i, name] of names.entries()) {
    await t.db.dataset.create({
      data: { tenantId: u.tenantId, name, createdBy: u.id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) },
    });
  }
}

beforeAll(async () => {
  t = await createTestDb();
  acme = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "VIEWER");
  globex = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "OWNER");
  await addDatasets(acme, ["sales_2024", "sales_2025", "weather", "SalesXeu", "cars", "sales%odd"]);
  await addDatasets(globex, ["sales_secret"]);
});
afterAll(() => t.drop());

const names = (r: { items: { name: string }[] }) => r.items.map((d) => d.name);

describe("dataset search", () => {
  it("matches part of the name, case-insensitively, newest first, within the tenant", async () => {
    const r = await findDatasetPage(t.db, ctxOf(acme), { search: "SALES", limit: 25 });
    expect(names(r)).toEqual(["sales%odd", "SalesXeu", "sales_2025", "sales_2024"]);
    expect(r.total).toBe(4);
  });

  it("takes % and _ literally", async () => {
    expect(names(await findDatasetPage(t.db, ctxOf(acme), { search: "s_2", limit: 25 }))).toEqual([
      "sales_2025",
      "sales_2024",
    ]);
    expect(names(await findDatasetPage(t.db, ctxOf(acme), { search: "%", limit: 25 }))).toEqual(["sales%odd"]);
  });

  it("pages with the total of all matches", async () => {
    const first = await findDatasetPage(t.db, ctxOf(acme), { limit: 4, offset: 0 });
    const second = await findDatasetPage(t.db, ctxOf(acme), { limit: 4, offset: 4 });
    expect(first.total).toBe(6);
    expect(second.total).toBe(6);
    expect(names(first)).toEqual(["sales%odd", "cars", "SalesXeu", "weather"]);
    expect(names(second)).toEqual(["sales_2025", "sales_2024"]);
  });

  it("finds nothing of another tenant", async () => {
    const r = await findDatasetPage(t.db, ctxOf(acme), { search: "secret", limit: 25 });
    expect(r).toEqual({ items: [], total: 0 });
  });
});
