// The query page as an analyst lives in it, in real Chromium at desktop
// (1440×900) and phone (390×844) sizes: a long query's running state, state
// kept in the URL, completion and inserts, the result grid's formatting, the
// chart of the whole result, shortcuts, plan limits and "new query" links.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../../../test/browser";
import { signInAs, uploadAndOpen } from "../../../test/e2e-pages";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
/**
 * Seconds of work for one core whatever the data: a cross join of two ranges,
 * counted (cancelled by the test). One per viewport, so the second is never a cache hit.
 */
const slowSql = (p: Page) =>
  `SELECT count(*) AS n FROM range(40000) a, range(40000) b WHERE (a.range * b.range) % 7 = ${p === phone ? 4 : 3}`;
/** 5,000 rows (more than the 1,000-row preview) in shuffled time order: an id, a time, 12 regions, amounts in millions. */
const BIG_SQL =
  "SELECT range AS order_id, TIMESTAMP '2024-01-01' + INTERVAL (range) HOUR AS ordered_at, " +
  "'region_' || (range % 12) AS region, (range % 97) * 250000.0 AS amount FROM range(5000) ORDER BY hash(range)";
const NUMBERS_SQL =
  "SELECT 24999.999999999996::DOUBLE AS amount, 12000000::BIGINT AS big, " +
  "TIMESTAMP '2024-05-01 13:45:07.123' AS created_at, 'a label' AS label";
let browser: Browser;
let context: BrowserContext;
let page: Page;
let phone: Page;
let dir: string;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-query-page-"));
  const rows = ["date,weather,temp_max"];
  for (let i = 0; i < 60; i++)
    rows.push(`2024-01-${String((i % 28) + 1).padStart(2, "0")},sun,${(i * 1.7).toFixed(1)}`);
  fs.writeFileSync(path.join(dir, "weather.csv"), rows.join("\n") + "\n");
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await signInAs(page, baseUrl, "analyst@acme.test");
  await uploadAndOpen(page, baseUrl, path.join(dir, "weather.csv"), "weather");
  await page.getByTestId("schema").waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const shot = (p: Page, name: string) =>
  p.screenshot({ path: path.join(shots, `query-${name}-${p === phone ? 390 : 1440}.png`), fullPage: true });

async function typeSql(p: Page, sql: string) {
  const editor = p.getByLabel("SQL");
  await editor.click();
  await p.keyboard.press("Control+a");
  await p.keyboard.press("Delete");
  await editor.fill(sql);
}

/** Runs SQL and waits for its own result (not the one shown before it). */
async function runAndWait(p: Page, sql: string) {
  if (!p.url().includes("/query")) await p.goto(`${baseUrl}/query`);
  const result = p.getByTestId("query-result");
  const before = (await result.count()) ? await result.getAttribute("data-run-id") : null;
  await typeSql(p, sql);
  await p.getByRole("button", { name: "Run", exact: true }).click();
  await p
    .locator(`[data-testid="query-result"]:not([data-stale]):not([data-run-id="${before}"])`)
    .waitFor({ timeout: 30_000 });
}

/** The editor's text, as CodeMirror holds it. */
const editorText = (p: Page) => p.locator(".cm-content").innerText();

describe.each([
  ["desktop", () => page],
  ["phone", () => phone],
])("query page (%s)", (_, pageOf) => {
  it("shows Running…, Cancel and the elapsed time during a long query, keeping the last result", async () => {
    const p = pageOf();
    await p.goto(`${baseUrl}/query`);
    await runAndWait(p, "SELECT 42 AS answer");
    await typeSql(p, slowSql(p));
    await p.getByRole("button", { name: "Run", exact: true }).click();
    const running = p.getByRole("button", { name: "Running…" });
    await running.waitFor({ timeout: 5_000 });
    expect(await running.isDisabled()).toBe(true);
    await p.getByRole("button", { name: "Cancel" }).waitFor();
    await p
      .getByTestId("run-wait")
      .filter({ hasText: /· [12] s$/ })
      .waitFor({ timeout: 5_000 });
    expect(await p.getByText("Run a query to see results").count()).toBe(0);
    // The previous result stays, marked as such.
    await p.locator('[data-testid="query-result"][data-stale="true"]').waitFor();
    expect(await p.getByRole("gridcell").first().textContent()).toBe("42");
    expect(await running.isDisabled()).toBe(true);
    await shot(p, "running");
    await p.getByRole("button", { name: "Cancel" }).click();
    await p.getByRole("button", { name: "Run", exact: true }).waitFor({ timeout: 15_000 });
    await p.getByText("cancelled", { exact: false }).first().waitFor();
    // The slot is free again: the next query runs.
    await runAndWait(p, "SELECT 43 AS after_cancel");
  });

  it("formats the grid: grouped right-aligned numbers, rounded DOUBLE with the exact value kept, whole timestamps", async () => {
    const p = pageOf();
    await runAndWait(p, NUMBERS_SQL);
    const cells = p.getByRole("gridcell");
    expect(await cells.nth(0).textContent()).toBe("25,000");
    expect(await cells.nth(0).getAttribute("title")).toBe("24999.999999999996");
    expect(await cells.nth(1).textContent()).toBe("12,000,000");
    expect(await cells.nth(0).evaluate((e) => getComputedStyle(e).textAlign)).toBe("right");
    expect(await cells.nth(3).evaluate((e) => getComputedStyle(e).textAlign)).not.toBe("right");
    expect(await cells.nth(2).textContent()).toBe("2024-05-01 13:45:07.123");
    expect(await cells.nth(2).evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    // Copying a cell copies its exact value.
    await cells.nth(0).dblclick();
    const copied = await cells.nth(0).evaluate(() => {
      const data = new DataTransfer();
      const ev = new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true });
      window.getSelection()?.anchorNode?.parentElement?.dispatchEvent(ev);
      return data.getData("text/plain");
    });
    expect(copied).toBe("24999.999999999996");
    // Resizing: drag the label column's edge 80 px to the right (on a phone, where the
    // column is scrolled out of view, with the keyboard: → widens by 16 px).
    const edge = p.getByTestId("resize-label");
    const before = (await cells.nth(3).boundingBox())!.width;
    if (p === phone) {
      await edge.focus();
      for (let i = 0; i < 5; i++) await p.keyboard.press("ArrowRight");
    } else {
      const box = (await edge.boundingBox())!;
      await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.mouse.down();
      await p.mouse.move(box.x + 80, box.y + box.height / 2, { steps: 4 });
      await p.mouse.up();
    }
    expect((await cells.nth(3).boundingBox())!.width).toBeGreaterThan(before + 60);
    await shot(p, "grid");
  });

  it("charts every row: time on x, sorted, 12 series in 12 colours, compact Y labels, tooltip clear of the legend", async () => {
    const p = pageOf();
    type ChartBody = { result?: { data?: { json?: { status: string; rows: { n: string }[] } } } };
    // The first READY answer of query.chart (a PENDING one means the page asks again).
    const chartAnswer = p.waitForResponse(
      async (r) =>
        r.url().includes("query.chart") &&
        ((await r.json().catch(() => ({}))) as ChartBody).result?.data?.json?.status === "READY",
      { timeout: 30_000 },
    );
    await runAndWait(p, BIG_SQL);
    const body = (await (await chartAnswer).json()) as ChartBody;
    // The worker aggregated all 5,000 rows, not the 1,000 of the preview.
    expect(body.result?.data?.json?.rows.reduce((n, r) => n + Number(r.n), 0)).toBe(5000);
    expect(await p.locator("#chart-x").inputValue()).toBe("ordered_at");
    expect(await p.locator("#chart-kind").inputValue()).toBe("line");
    await p.locator('[data-testid="result-chart"] .recharts-line').first().waitFor();
    await shot(p, "chart-default");
    const yTicks = await p.locator(".recharts-yAxis-tick-labels text").allTextContents();
    expect(yTicks).toContainEqual(expect.stringMatching(/^\d+(\.\d)?M$/));
    const xTicks = await p.locator(".recharts-xAxis-tick-labels text").allTextContents();
    expect(xTicks.every((t) => !t.includes(":00:00"))).toBe(true);
    await p.locator("#chart-series").selectOption("region");
    await p.locator('[data-testid="result-chart"] .recharts-line').nth(11).waitFor({ timeout: 30_000 });
    const strokes = await p
      .locator('[data-testid="result-chart"] .recharts-line path.recharts-curve')
      .evaluateAll((ps) => ps.map((e) => e.getAttribute("stroke")));
    expect(strokes).toHaveLength(12);
    expect(new Set(strokes).size).toBe(12);
    await p.getByTestId("result-chart").scrollIntoViewIfNeeded();
    const plot = (await p.locator('[data-testid="result-chart"] .recharts-cartesian-grid').boundingBox())!;
    await p.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
    await p.mouse.move(plot.x + plot.width * 0.9, plot.y + 10, { steps: 5 });
    await shot(p, "chart-tooltip");
    const tooltip = p.locator(".recharts-tooltip-wrapper");
    await tooltip.filter({ hasText: "region_" }).waitFor({ timeout: 5_000 });
    const t = (await tooltip.boundingBox())!;
    const l = (await p.getByTestId("chart-legend").boundingBox())!;
    expect(t.y >= l.y + l.height || t.y + t.height <= l.y).toBe(true);
    await shot(p, "chart");
  });

  it("keeps SQL, result, chart and tab in the URL across a reload", async () => {
    const p = pageOf();
    await p.locator("#chart-kind").selectOption("area");
    if (p === phone) await p.getByRole("button", { name: /Datasets, saved queries and history/ }).click();
    await p.getByRole("tab", { name: "History" }).click();
    await p.waitForURL(/tab=History/);
    await p.waitForURL(/chart=/);
    const runParam = new URL(p.url()).searchParams.get("run");
    expect(runParam).toBeTruthy();
    await p.reload();
    await p.locator('[data-testid="query-result"]:not([data-stale])').waitFor({ timeout: 30_000 });
    expect(await editorText(p)).toContain("ORDER BY hash(range)");
    expect(await p.locator("#chart-kind").inputValue()).toBe("area");
    expect(await p.locator("#chart-series").inputValue()).toBe("region");
    expect(await p.getByRole("tab", { name: "History" }).getAttribute("aria-selected")).toBe("true");
    expect(new URL(p.url()).searchParams.get("run")).toBe(runParam);
    // A wide result scrolls inside its grid; the page itself stays within the screen.
    const editor = (await p.locator(".cm-editor").boundingBox())!;
    expect(editor.x + editor.width).toBeLessThanOrEqual(p.viewportSize()!.width);
    await shot(p, "restored");
  });
});

describe("query page editor and links (desktop, then phone layout)", () => {
  it("completes column names without the dataset prefix and offers no obscure keywords", async () => {
    await page.goto(`${baseUrl}/query`);
    // Completion draws on the schema: wait for it to be loaded (its list shows the column) before asking.
    await page.getByTestId("schema-browser").getByRole("button", { name: "temp_max", exact: true }).waitFor();
    await typeSql(page, "SELECT temp FROM weather");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < "SELECT temp".length; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Control+Space");
    const list = page.locator(".cm-tooltip-autocomplete");
    await list.waitFor();
    const options = await list.locator("li").allTextContents();
    expect(options.some((o) => o.startsWith("temp_max"))).toBe(true);
    expect(options.every((o) => !o.includes("weather.temp_max"))).toBe(true);
    await shot(page, "completion");
    await page.keyboard.press("Escape");
    await typeSql(page, "SELECT CAT");
    await page.keyboard.press("Control+Space");
    await page.waitForTimeout(300);
    const kw = await page.locator(".cm-tooltip-autocomplete li").allTextContents();
    expect(kw.join(" ")).not.toMatch(/CATALOG|TRANSACTIONS_ROLLED_BACK/);
    await page.keyboard.press("Escape");
  });

  it("inserts a clicked column at the cursor, or at the end when the cursor was never placed", async () => {
    await typeSql(page, "SELECT  FROM weather");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < "SELECT ".length; i++) await page.keyboard.press("ArrowRight");
    const schema = page.getByTestId("schema-browser");
    await schema.getByRole("button", { name: "temp_max", exact: true }).click();
    expect(await editorText(page)).toBe("SELECT temp_max FROM weather");
    await page.goto(`${baseUrl}/query?sql=${encodeURIComponent("SELECT * FROM weather WHERE")}`);
    await schema.getByRole("button", { name: "temp_max", exact: true }).click();
    expect(await editorText(page)).toBe("SELECT * FROM weather WHERE temp_max");
  });

  it("lists the keyboard shortcuts and the plan's query limits", async () => {
    await page.getByText("Keyboard shortcuts").click();
    await page.getByTestId("shortcuts").getByText("Run the query").waitFor();
    expect(await page.getByTestId("plan-limits").textContent()).toMatch(/after 30 s .* 1(\.0)? GiB of memory/);
    await shot(page, "help");
  });

  it("starts a new query from a dataset on the dataset list and the dataset page", async () => {
    await page.goto(`${baseUrl}/datasets`);
    const row = page.getByTestId("dataset-row").filter({ hasText: "weather" });
    await row.getByRole("link", { name: "Query", exact: true }).click();
    await page.waitForURL(/\/query\?sql=/);
    expect(await editorText(page)).toBe("SELECT * FROM weather LIMIT 100");
    await page.goto(`${baseUrl}/datasets`);
    await page.getByRole("link", { name: "weather", exact: true }).click();
    await page.getByRole("link", { name: "New query", exact: true }).click();
    await page.waitForURL(/\/query\?sql=/);
    expect(await editorText(page)).toBe("SELECT * FROM weather LIMIT 100");
  });

  it("puts the editor before the folded schema list on a phone", async () => {
    await phone.goto(`${baseUrl}/query`);
    const editor = (await phone.getByLabel("SQL").boundingBox())!;
    const toggle = phone.getByRole("button", { name: /Datasets, saved queries and history/ });
    expect((await toggle.boundingBox())!.y).toBeGreaterThan(editor.y);
    expect(await phone.getByTestId("schema-browser").isVisible()).toBe(false);
    await shot(phone, "phone-layout");
    await toggle.click();
    await phone.getByTestId("schema-browser").waitFor();
    await shot(phone, "phone-schema-open");
  });
});
