// Column profiles on the dataset page in real Chromium against the real
// worker: only distinct counts carry "≈", means in plain digits, the page
// says what the sample was, list and struct columns get their own profile,
// and "First rows" start at the file's first line. At desktop and phone size.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { expectAccessible } from "../../../test/axe";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInAs, uploadAndOpen } from "../../../test/e2e-pages";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
const ROWS = 3000;
let chrome: PersistentPage;
let page: Page;
let dir: string;

const card = (name: string) => page.getByTestId("column-profile").filter({ hasText: new RegExp(`^${name}`) });

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  const lines = Array.from({ length: ROWS }, (_, i) =>
    JSON.stringify({
      order_id: 1_000_000 + i,
      category: `cat_${i % 10}`,
      coords: i % 4 ? [1.5, 2.25] : [1.5],
      props: { name: `n${i}`, tags: ["a"] },
    }),
  );
  fs.writeFileSync(path.join(dir, "orders.ndjson"), `${lines.join("\n")}\n`);
});

afterAll(async () => {
  await chrome?.close();
});

describe("column profiles", () => {
  it("marks only distinct counts as estimates and writes means in plain digits", async () => {
    await signInAs(page, baseUrl, "analyst@globex.test");
    await uploadAndOpen(page, baseUrl, path.join(dir, "orders.ndjson"), "orders");
    await page.getByTestId("column-profiles").waitFor({ timeout: 90_000 });

    const profiles = (await page.getByTestId("column-profiles").textContent()) ?? "";
    expect(profiles.match(/≈/g)?.length).toBe(4);
    expect(profiles.match(/distinct ≈/g)?.length).toBe(4);
    await expect(card("order_id").textContent()).resolves.toContain("1,001,499.5");
    expect(profiles).not.toMatch(/\de[+-]?\d/);
    const heading = (await page.getByText("Exact over all").textContent()) ?? "";
    expect(heading).toContain(`Exact over all ${ROWS.toLocaleString("en-US")} rows`);
    expect(heading).toContain("Histograms, top values and quartiles from all rows");
  });

  it("profiles list and struct columns", async () => {
    const coords = (await card("coords").textContent()) ?? "";
    expect(coords).toContain("elements DOUBLE");
    expect(coords).toMatch(/length1 – 2/);
    await expect(card("props").textContent()).resolves.toMatch(/fields name VARCHAR, tags VARCHAR\[\]/);
  });

  it("starts First rows at the file's first line, at desktop and phone size", async () => {
    const grid = page.getByRole("grid").last();
    // The grid groups digits (the exact value is the cell's title).
    await expect(grid.textContent()).resolves.toContain("1,000,000");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId("column-profiles").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, "e2e-profiles-1440.png"), fullPage: true });
    await expectAccessible(page, "e2e-profiles-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shots, "e2e-profiles-390.png"), fullPage: true });
    await expectAccessible(page, "e2e-profiles-390");
    // The profiles themselves fit a phone's width (other cards on the page are not this test's).
    const profiles = page.getByTestId("column-profiles");
    const [inner, outer] = await profiles.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(inner).toBeLessThanOrEqual(outer!);
    const box = await profiles.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });
});
