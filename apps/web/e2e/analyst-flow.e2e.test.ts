// The flow an analyst lives in, in real Chromium against the real product:
// sign in, upload a CSV, wait for READY, run a query, see the chart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible } from "../../../test/axe";
import { launchPersistent } from "../../../test/browser";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let browser: BrowserContext;
let page: Page;
let csvPath: string;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "si-chromium-"));
  browser = await launchPersistent(profile);
  page = browser.pages()[0] ?? (await browser.newPage());
  const rows = ["region,product,units,revenue"];
  const regions = ["north", "south", "east", "west"];
  for (let i = 0; i < 2000; i++) rows.push(`${regions[i % 4]},p${i % 13},${(i % 7) + 1},${((i * 37) % 1000) / 10}`);
  csvPath = path.join(profile, "regional sales.csv");
  fs.writeFileSync(csvPath, rows.join("\n") + "\n");
});

afterAll(async () => {
  await browser?.close();
});

describe("analyst flow", () => {
  it("signs in and lands in the tenant", async () => {
    await page.goto(`${baseUrl}/datasets`);
    await page.waitForURL(/\/signin/);
    await page.getByLabel("Email").fill("analyst@acme.test");
    await page.getByLabel("Password").fill("scrollintel");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/datasets$/);
    await page.getByTestId("tenant-name").filter({ hasText: "Acme Analytics" }).waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-1-datasets-empty.png") });
    await expectAccessible(page, "e2e-1-datasets-empty");
  });

  it("uploads a CSV with tus and sees it become READY", async () => {
    await page.goto(`${baseUrl}/upload`);
    await page.getByTestId("quota-left").waitFor();
    // Straight to the ingest: the preview before it has its own test (upload-preview.e2e.test.ts).
    await page.getByLabel("Preview before ingest").uncheck();
    await page.getByTestId("file-input").setInputFiles(csvPath);
    await page.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(shots, "e2e-2-uploaded.png") });
    await page.goto(`${baseUrl}/datasets`);
    const row = page.getByTestId("dataset-row").filter({ hasText: "regional_sales" });
    await row.getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await row.getByRole("link", { name: "regional_sales" }).click();
    await page.getByTestId("schema").waitFor();
    await expect(page.getByTestId("schema").textContent()).resolves.toContain("revenue");
    await page.screenshot({ path: path.join(shots, "e2e-3-dataset.png"), fullPage: true });
    await expectAccessible(page, "e2e-3-dataset");
  });

  it("runs a query with Ctrl+Enter and draws the chart", async () => {
    await page.goto(`${baseUrl}/query`);
    const editor = page.getByLabel("SQL");
    await editor.fill(
      "SELECT region, sum(revenue) AS revenue, sum(units) AS units FROM regional_sales GROUP BY region ORDER BY region",
    );
    await editor.press("Control+Enter");
    await page.getByTestId("result-summary").waitFor({ timeout: 30_000 });
    await expect(page.getByTestId("result-summary").textContent()).resolves.toMatch(
      /^4 rows · \d+ ms \(engine \d+ ms\) · (\d+ B|[\d.]+ [KMG]iB) scanned$/,
    );
    expect(await page.locator(".cm-tooltip-autocomplete").count()).toBe(0);
    await page.locator('[data-testid="result-chart"] .recharts-bar-rectangle').first().waitFor();
    expect(await page.locator('[data-testid="result-chart"] .recharts-bar-rectangle').count()).toBe(4);
    await expect(page.getByRole("gridcell").first().textContent()).resolves.toBe("east");
    await page.screenshot({ path: path.join(shots, "e2e-4-query-chart.png"), fullPage: true });
    await expectAccessible(page, "e2e-4-query-chart");
  });

  it("answers the same query again from the cache", async () => {
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.getByTestId("result-summary").filter({ hasText: "from cache" }).waitFor({ timeout: 30_000 });
  });

  it("sorts a column on the worker", async () => {
    await page.getByRole("columnheader", { name: /^revenue/ }).click();
    await page.getByRole("columnheader", { name: /^revenue/ }).click();
    await page.locator('[role="columnheader"][aria-sort="descending"]').waitFor();
    await page.locator('[role="row"]:not([aria-busy]) [role="gridcell"]').first().waitFor();
    const revenues = await page.locator('[role="row"]').locator("[role=gridcell]:nth-child(3)").allTextContents();
    const nums = revenues.map(Number);
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
  });

  it("saves the query with its chart, shared with the workspace", async () => {
    await page.getByLabel("Chart", { exact: true }).selectOption("line");
    await page.getByRole("button", { name: "Save…" }).click();
    await page.getByLabel("Query name").fill("Revenue by region");
    await page.getByLabel("share with workspace").check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("tab", { name: "Saved" }).click();
    const saved = page.getByTestId("saved-query").filter({ hasText: "Revenue by region" });
    await saved.waitFor();
    await expect(saved.textContent()).resolves.toMatch(/shared.*line chart/);
    await page.screenshot({ path: path.join(shots, "e2e-4a-saved-query.png"), fullPage: true });
  });

  it("pages through every row of a large result and downloads it as CSV", async () => {
    await page.getByRole("tab", { name: "Datasets" }).click();
    const editor = page.getByLabel("SQL");
    await editor.fill("SELECT * FROM regional_sales");
    await editor.press("Control+Enter");
    await expect(
      page.getByTestId("result-summary").filter({ hasText: "2,000 rows" }).textContent({ timeout: 30_000 }),
    ).resolves.toMatch(/^2,000 rows/);
    const grid = page.getByRole("grid");
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    // Rows past the preview (1,000) come from the worker's result pages.
    const lastRow = page.locator('[role="row"]:not([aria-busy])').filter({ hasText: /^2000/ });
    await lastRow.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, "e2e-4b-query-last-page.png"), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60_000 }),
      page.getByRole("button", { name: "CSV" }).click(),
    ]);
    const file = await download.path();
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    expect(lines[0]).toBe("region,product,units,revenue");
    expect(lines).toHaveLength(2001);
  });

  it("shows a sandbox refusal as a clear error", async () => {
    const editor = page.getByLabel("SQL");
    await editor.fill("SELECT * FROM read_csv('/etc/passwd')");
    await editor.press("Control+Enter");
    const alert = page.getByRole("alert").filter({ hasText: "Query failed" });
    await alert.waitFor({ timeout: 30_000 });
    await expect(alert.textContent()).resolves.toMatch(/Function read_csv is not available in queries/);
  });

  it("lets the tenant owner read the audit trail of all this", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    await page.getByLabel("Email").fill("owner@acme.test");
    await page.getByLabel("Password").fill("scrollintel");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/datasets$/);
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByTestId("audit-row").first().waitFor();
    const actions = await page.getByTestId("audit-row").locator("td:nth-child(3)").allTextContents();
    for (const a of [
      "auth.signin",
      "upload.create",
      "upload.complete",
      "dataset.create",
      "dataset.ready",
      "query.run",
    ]) {
      expect(actions).toContain(a);
    }
    await page.screenshot({ path: path.join(shots, "e2e-5-audit.png"), fullPage: true });
    await expectAccessible(page, "e2e-5-audit");
  });
});
