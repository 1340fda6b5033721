// A streaming dataset's page in real Chromium against the real worker: events
// sent with an events:write key show as records/s over the last hour, with the
// compaction lag, the last event time and the newest rejects (record number and
// reason). At desktop and phone size.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { launchPersistent, openPersistentPage, type PersistentPage } from "../../../test/browser";
import { signInAs } from "../../../test/e2e-pages";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let chrome: PersistentPage;
let page: Page;
let db: Db;
let key: string;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ page } = chrome);
  db = createDb(inject("e2eDatabaseUrl"));
  const tenant = await db.tenant.findFirstOrThrow({ where: { slug: "globex" } });
  const owner = await db.user.findFirstOrThrow({ where: { email: "owner@globex.test" } });
  const ctx = {
    tenantId: tenant.id,
    role: "OWNER" as const,
    actor: { type: "USER" as const, id: owner.id },
    suspended: false,
  };
  key = (await createApiKey(db, ctx, { name: "page producer", scopes: ["events:write"] })).key;
});

afterAll(async () => {
  await chrome?.close();
  await db?.$disconnect();
});

async function send(lines: string[]) {
  const res = await fetch(`${baseUrl}/api/events?dataset=page_views`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: lines.join("\n") + "\n",
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("streaming dataset page", () => {
  it("shows records/s, lag, last event and rejects", async () => {
    await send(Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, path: `/p/${i % 7}`, ms: i % 300 })));
    const ds = await db.dataset.findFirstOrThrow({ where: { name: "page_views" } });
    // The first batch fixes the columns; the next one has a value that does not fit.
    for (let i = 0; i < 300; i++) {
      const v = await db.datasetVersion.findFirst({ where: { datasetId: ds.id, rowCount: { gt: 0 } } });
      if (v) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await send(['{"id":1000,"path":"/x","ms":"slow"}', '{"id":1001,"path":"/y","ms":12}']);
    await signInAs(page, baseUrl, "analyst@globex.test");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${baseUrl}/datasets/${ds.id}`);
    const panel = page.getByText("Event stream").locator("xpath=ancestor::*[contains(@class,'rounded')][1]");
    await page.getByTestId("rate-chart").waitFor({ timeout: 30_000 });
    await page.getByText(/is not BIGINT/).waitFor({ timeout: 60_000 });
    // The compaction that rejected one record stored the other: the page's row counts follow it.
    await page.getByText("Version 1 · 501 rows").waitFor({ timeout: 30_000 });
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain("Last event");
    expect(text).toContain("Rejected records");
    expect(text).toMatch(/column "ms": "slow" is not BIGINT/);
    await page.screenshot({ path: path.join(shots, "stream-page-1440.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("rate-chart").waitFor();
    // Charts take their new width when their resize observer fires, a frame or so after the resize.
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await expect.poll(overflow, { timeout: 10_000 }).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, "stream-page-390.png"), fullPage: true });
  });

  it("sets the event-time column, saying why a column cannot be one", async () => {
    const ds = await db.dataset.findFirstOrThrow({ where: { name: "page_views" } });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${baseUrl}/datasets/${ds.id}`);
    const field = page.getByLabel("Event-time column");
    await field.waitFor({ timeout: 30_000 });
    await field.fill("when");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: 'has no column "when"' }).waitFor();
    expect(await page.getByRole("alert").filter({ hasText: "eventTimeColumn" }).textContent()).toContain(
      "columns that can be: id, path, ms",
    );
    await field.fill("ms");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Clear" }).waitFor();
    expect(await page.getByTestId("event-time").textContent()).toContain("Parts sorted by: ms");
    expect((await db.dataset.findUniqueOrThrow({ where: { id: ds.id } })).eventTimeColumn).toBe("ms");
    await page.screenshot({ path: path.join(shots, "stream-event-time-1440.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // The records/s chart takes its new width when its resize observer fires, a frame or so after the resize.
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await expect.poll(overflow, { timeout: 10_000 }).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, "stream-event-time-390.png"), fullPage: true });
  });

  it("offers the events:write scope on the API keys page", async () => {
    const d2 = fs.mkdtempSync(path.join(os.tmpdir(), "si-chromium-"));
    const owner = await launchPersistent(d2);
    try {
      const p = owner.pages()[0] ?? (await owner.newPage());
      await signInAs(p, baseUrl, "owner@globex.test");
      await p.setViewportSize({ width: 1440, height: 900 });
      await p.goto(`${baseUrl}/api-keys`);
      await p.getByText("send events (POST /api/events)").waitFor({ timeout: 30_000 });
      await p.screenshot({ path: path.join(shots, "api-keys-events-scope-1440.png"), fullPage: true });
      await p.setViewportSize({ width: 390, height: 844 });
      await p.screenshot({ path: path.join(shots, "api-keys-events-scope-390.png"), fullPage: true });
    } finally {
      await owner.close();
      fs.rmSync(d2, { recursive: true, force: true });
    }
  });
});
