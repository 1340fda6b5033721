// The step before an ingest in real Chromium against the real worker: an
// upload waits with a preview of its first rows, the user renames a column
// and sees the preview again, starts, and the dataset is READY as previewed.
// The same file again is offered as a duplicate; "Replace" makes it the
// next version of the first dataset.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let chrome: PersistentPage;
let page: Page;
let dir: string;
let file: string;
let firstUrl = "";

const version = (v: number) => page.getByTestId("version-row").filter({ hasText: new RegExp(`^v${v}\\b`) });

/** Both sizes the UI is looked at: a laptop and a phone. */
async function shoot(name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, `${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function uploadAndOpen(shot?: string) {
  await page.goto(`${baseUrl}/upload`);
  await page.getByTestId("intake-choice").waitFor();
  // The browser's defaults: preview first, ask about a file already here.
  await expect(page.getByLabel("Preview before ingest").isChecked()).resolves.toBe(true);
  await expect(page.getByLabel("When the file is already here").inputValue()).resolves.toBe("ask");
  if (shot) await shoot(shot);
  await page.getByTestId("file-input").setInputFiles(file);
  await page.locator('[data-testid="upload-row"][data-state="done"]').last().waitFor({ timeout: 60_000 });
  await page.getByTestId("finished-uploads").getByRole("link", { name: "shipments.csv" }).last().click();
  await page.waitForURL(/\/datasets\/[^/]+$/);
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  const rows = Array.from({ length: 500 }, (_, i) => `${i + 1}|port ${i % 7}|${(i % 90) + 0.25}`);
  file = path.join(dir, "shipments.csv");
  fs.writeFileSync(file, ["shipment|port|weight", ...rows, ""].join("\n"));
});

afterAll(async () => {
  await chrome?.close();
});

describe("preview before ingest and duplicate uploads", () => {
  it("shows the first rows before anything is converted", async () => {
    await page.goto(`${baseUrl}/signin`);
    await page.getByLabel("Email").fill("owner@globex.test");
    await page.getByLabel("Password").fill("scrollintel");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/datasets$/);
    await uploadAndOpen("e2e-preview-0-upload");
    firstUrl = page.url();
    const grid = page.getByTestId("preview-grid");
    await grid.waitFor({ timeout: 60_000 });
    await expect(grid.textContent()).resolves.toContain("port 0");
    await expect(page.getByTestId("preview-review").textContent()).resolves.toMatch(/first 50 rows/);
    await page.getByTestId("status").filter({ hasText: "awaiting review" }).first().waitFor();
    await shoot("e2e-preview-1-review");
  });

  it("re-previews with a renamed column, then starts and the dataset is READY as previewed", async () => {
    const review = page.getByTestId("preview-review");
    await review.getByLabel("Name for weight").fill("kg");
    await review.getByRole("button", { name: "Update preview" }).click();
    await page.getByTestId("preview-grid").getByTitle("kg (DOUBLE)").waitFor({ timeout: 60_000 });
    await review.getByRole("button", { name: "Start ingest" }).focus();
    await page.keyboard.press("Enter");
    await review.waitFor({ state: "detached", timeout: 30_000 });
    await version(1).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId("schema").textContent()).resolves.toContain("weight");
    await expect(version(1).textContent()).resolves.toContain("500");
    await page.getByTitle("kg (DOUBLE)").first().waitFor();
  });

  it("offers the same file again as a duplicate, and Replace makes it version 2 of the first dataset", async () => {
    await uploadAndOpen();
    const offer = page.getByTestId("duplicate-offer");
    await offer.waitFor({ timeout: 60_000 });
    await expect(offer.textContent()).resolves.toContain("shipments");
    await shoot("e2e-preview-2-duplicate");
    await offer.getByRole("button", { name: "Replace" }).click();
    await page.waitForURL(firstUrl);
    // Replaced with review on: previewed again as the dataset reads (with its rename), then started.
    const grid = page.getByTestId("preview-grid");
    await grid.getByTitle("kg (DOUBLE)").waitFor({ timeout: 60_000 });
    await page.getByTestId("preview-review").getByRole("button", { name: "Start ingest" }).click();
    await version(2).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await expect(version(2).textContent()).resolves.toContain("queried");
    await shoot("e2e-preview-3-replaced");
  });
});
