// A file that skips more rows than the 1% threshold, in real Chromium against
// the real worker: the version waits with its figures and skipped rows, and
// only becomes the queried one when the user confirms it.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInAs, uploadAndOpen } from "../../../test/e2e-pages";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let chrome: PersistentPage;
let page: Page;
let dir: string;

// Cells run together in a row's text ("v2awaiting confirmation…"): the number ends at the first non-digit.
const version = (v: number) => page.getByTestId("version-row").filter({ hasText: new RegExp(`^v${v}(?!\\d)`) });

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  // 200 records, 4 with an unreadable price: 2% skipped once price is read as a number.
  const rows = Array.from({ length: 200 }, (_, i) => `${i + 1},item ${i + 1},${i % 50 === 7 ? "free" : i * 2}`);
  fs.writeFileSync(path.join(dir, "price list.csv"), ["id,item,price", ...rows, ""].join("\n"));
});

afterAll(async () => {
  await chrome?.close();
});

describe("skip threshold on the dataset page", () => {
  it("holds a version that skipped 2% until the user confirms it", async () => {
    await signInAs(page, baseUrl, "analyst@globex.test");
    await uploadAndOpen(page, baseUrl, path.join(dir, "price list.csv"), "price_list");
    // The sniffer reads "free" as text: version 1 has a VARCHAR price and no rejects.
    await version(1).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });

    // The re-ingest form (the append form has reading options of its own).
    const form = page.locator("#reading-options");
    await form.getByLabel("Bad rows").selectOption("skip");
    await form.getByLabel("Type for price").selectOption("BIGINT");
    await form.getByRole("button", { name: "Re-ingest as a new version" }).click();
    const held = page.getByTestId("awaiting-confirmation");
    await held.waitFor({ timeout: 60_000 });
    await expect(held.textContent()).resolves.toContain("2% of the records were skipped, more than the 1% allowed");
    await expect(page.getByTestId("awaiting-accounting").textContent()).resolves.toBe(
      "200 read · 196 stored · 4 rejected",
    );
    await expect(version(2).textContent()).resolves.not.toContain("queried");
    await page.getByTestId("reject-row").first().waitFor();
    expect(await page.getByTestId("reject-row").count()).toBe(4);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(shots, "e2e-confirm-1-held.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, "e2e-confirm-1-held-narrow.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole("button", { name: "Confirm: query this version" }).click();
    await version(2).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 30_000 });
    await expect(version(2).textContent()).resolves.toContain("queried");
    await expect(version(2).getByTestId("version-accounting").textContent()).resolves.toBe(
      "200 read · 196 stored · 4 rejected",
    );
    expect(await held.count()).toBe(0);
    await page.screenshot({ path: path.join(shots, "e2e-confirm-2-confirmed.png"), fullPage: true });
  });
});
