// The operator's System page in real Chromium against the running product:
// web and worker are up (each read from its own metrics), the queue table and
// the throughput charts fill in; and the metrics endpoint itself answers only
// to the token. Screenshots at desktop and phone sizes.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parsePrometheus, sumOf } from "@scrollintel/core/metrics/parse-prometheus";
import { launchBrowser } from "../../../test/browser";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill("admin@scrollintel.test");
  await page.getByLabel("Password").fill("scrollintel");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin$/);
});
afterAll(async () => {
  await browser?.close();
});

describe("System page", () => {
  it("shows web and worker up, the queue, and traffic charts that fill in", async () => {
    await page.getByRole("link", { name: "System health →" }).click();
    await page.waitForURL(/\/admin\/system$/);
    await page.locator('[data-testid="process-card"][data-kind="web"][data-up="true"]').waitFor();
    await page.locator('[data-testid="process-card"][data-kind="worker"][data-up="true"]').waitFor();
    await page.getByText("Job queue").waitFor();
    // Points come every 5 s while the page is open; a third makes a line of two rates.
    await page.getByTestId("traffic-chart").locator(".recharts-line-curve").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("jobs-chart").waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-system-1440.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="process-card"][data-kind="worker"]').scrollIntoViewIfNeeded();
    // Charts take their new width when their resize observer fires, a frame or so after the resize.
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await expect.poll(overflow, { timeout: 10_000 }).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, "e2e-system-390.png"), fullPage: true });
  });

  it("/api/metrics answers the token only, with the series of the requests above", async () => {
    expect((await fetch(`${baseUrl}/api/metrics`)).status).toBe(401);
    const res = await fetch(`${baseUrl}/api/metrics`, {
      headers: { authorization: `Bearer ${inject("metricsToken")}` },
    });
    expect(res.status).toBe(200);
    const samples = parsePrometheus(await res.text());
    expect(sumOf(samples, "scrollintel_http_request_duration_seconds_count", { route: "/api/trpc" })).toBeGreaterThan(
      0,
    );
    const system = { procedure: "admin.system", code: "OK" };
    expect(sumOf(samples, "scrollintel_trpc_procedure_duration_seconds_count", system)).toBeGreaterThanOrEqual(3);
  });
});
