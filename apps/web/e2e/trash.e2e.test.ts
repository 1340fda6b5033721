// Delete, trash restore and rollback in real Chromium against the real worker:
// an owner makes an earlier version the queried one, deletes the dataset
// through a keyboard-driven confirmation (Escape closes, focus stays inside,
// the name must be typed), finds it in the trash with its removal date, and
// restores it.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible } from "../../../test/axe";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let chrome: PersistentPage;
let page: Page;
let dir: string;
let datasetUrl = "";

const version = (v: number) => page.locator(`[data-testid="version-row"][data-version="${v}"]`);
const dialog = () => page.getByRole("dialog");
const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest("dialog"));

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  fs.writeFileSync(path.join(dir, "bin log.csv"), "id,item\n1,apple\n2,pear\n3,plum\n");
  fs.writeFileSync(path.join(dir, "more.csv"), "id,item\n4,fig\n5,kiwi\n");
});

afterAll(async () => {
  await chrome?.close();
});

describe("delete, trash restore and rollback", () => {
  it("rolls back to an earlier version after an append", async () => {
    await page.goto(`${baseUrl}/signin`);
    await page.getByLabel("Email").fill("owner@globex.test");
    await page.getByLabel("Password").fill("scrollintel");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/datasets$/);
    await page.goto(`${baseUrl}/upload`);
    // Straight to the ingest: the preview before it has its own test (upload-preview.e2e.test.ts).
    await page.getByLabel("Preview before ingest").uncheck();
    await page.getByTestId("file-input").setInputFiles(path.join(dir, "bin log.csv"));
    await page.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 60_000 });
    await page.goto(`${baseUrl}/datasets`);
    await page.getByRole("link", { name: "bin_log" }).click();
    await version(1).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    datasetUrl = page.url();
    await page.getByTestId("append-input").setInputFiles(path.join(dir, "more.csv"));
    await version(2).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await expect(version(2).textContent()).resolves.toContain("queried");

    await version(1).getByRole("button", { name: "Query version 1" }).click();
    await dialog().getByRole("button", { name: "Query v1" }).click();
    await version(1).filter({ hasText: "queried" }).waitFor();
    await expect(version(2).textContent()).resolves.not.toContain("queried");
    await page.getByTestId("versions").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, "e2e-trash-0-versions.png") });
    await expect(page.getByRole("heading", { level: 2 }).first().textContent()).resolves.toBe("bin_log");
  });

  it("deletes the dataset through a keyboard-friendly confirmation", async () => {
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await dialog().waitFor();
    await expect(focusInDialog()).resolves.toBe(true);
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = dialog().getByRole("button", { name: "Delete dataset" });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      await expect(focusInDialog()).resolves.toBe(true);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, "e2e-trash-1-confirm-mobile.png") });
    await expectAccessible(page, "e2e-trash-1-confirm-mobile");
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog()
      .getByLabel(/Type bin_log to confirm/)
      .fill("bin_lo");
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog()
      .getByLabel(/Type bin_log to confirm/)
      .fill("bin_log");
    await page.screenshot({ path: path.join(shots, "e2e-trash-2-confirm.png") });
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/trash$/);
  });

  it("lists it in the trash with its removal date, and restores it", async () => {
    const row = page.getByTestId("trash-row").filter({ hasText: "bin_log" });
    await row.waitFor();
    const day = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString("en-GB", { dateStyle: "medium" });
    await expect(row.textContent()).resolves.toContain(`removed on ${day}`);
    await page.goto(`${baseUrl}/datasets`);
    await page.getByTestId("dataset-row").first().or(page.getByText("No datasets yet")).waitFor();
    await expect(page.getByRole("link", { name: "bin_log" }).count()).resolves.toBe(0);
    await page.getByRole("link", { name: "Trash" }).click();
    await page.getByTestId("trash-row").first().waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-trash-3-list.png"), fullPage: true });
    await expectAccessible(page, "e2e-trash-3-list");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, "e2e-trash-4-list-mobile.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole("button", { name: "Restore bin_log" }).click();
    await page.getByRole("status").filter({ hasText: "Restored bin_log." }).waitFor();
    await page.getByText("The trash is empty").waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-trash-5-empty.png"), fullPage: true });
    await page.goto(datasetUrl);
    await version(1).filter({ hasText: "queried" }).waitFor();
  });
});
