// The dataset page in real Chromium against the real worker: a file with bad
// rows fails saying where, the user switches to "skip and report", renames a
// column and re-ingests as a new version, reads the skipped rows and column
// profiles, then appends a second file as a third version.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInAs, uploadAndOpen } from "../../../test/e2e-pages";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
const GOOD = 30_000;
let chrome: PersistentPage;
let page: Page;
let dir: string;

const version = (v: number) => page.getByTestId("version-row").filter({ hasText: new RegExp(`^v${v}\\b`) });

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  const rows = Array.from({ length: GOOD }, (_, i) => `${i},${["north", "south", "east"][i % 3]},${(i % 50) / 2}`);
  const bad = ["oops,west,1", "30001,west", "30002,west,1,extra"];
  fs.writeFileSync(path.join(dir, "sensor log.csv"), ["id,region,reading", ...rows, ...bad, ""].join("\n"));
  fs.writeFileSync(path.join(dir, "more.csv"), "id,region,reading\n40000,west,3.5\n40001,east,4\n");
});

afterAll(async () => {
  await chrome?.close();
});

describe("dataset ingest page", () => {
  it("shows where a file with bad rows failed", async () => {
    await signInAs(page, baseUrl, "analyst@globex.test");
    await uploadAndOpen(page, baseUrl, path.join(dir, "sensor log.csv"), "sensor_log");
    const alert = page.getByRole("alert").filter({ hasText: "Version 1 failed" });
    await alert.waitFor({ timeout: 60_000 });
    await expect(alert.textContent()).resolves.toMatch(/line 30002, column "id": Could not convert string "oops"/);
  });

  it("re-ingests with skip and a rename as version 2, listing the skipped rows", async () => {
    await page.getByLabel("Bad rows").selectOption("skip");
    await page.getByLabel("Name for region").fill("area");
    await page.getByRole("button", { name: "Re-ingest as a new version" }).click();
    await version(2).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await expect(version(2).textContent()).resolves.toContain("queried");
    await page.getByTestId("reject-row").first().waitFor();
    expect(await page.getByTestId("reject-row").count()).toBe(3);
    await expect(page.getByTestId("reject-row").first().textContent()).resolves.toContain("oops,west,1");
    await page.locator('[data-testid="column-profile"]').filter({ hasText: "area" }).waitFor();
    // Histograms are drawn once recharts has loaded, after the page.
    await page.locator('[data-testid="histogram"] .recharts-bar-rectangle').first().waitFor();
    expect(await page.locator('[data-testid="histogram"] .recharts-bar-rectangle').count()).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(shots, "e2e-ingest-1-profiles.png"), fullPage: true });
  });

  it("appends a file as version 3 with both files' rows", async () => {
    await page.getByTestId("append-input").setInputFiles(path.join(dir, "more.csv"));
    await version(3).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await expect(version(3).textContent()).resolves.toContain((GOOD + 2).toLocaleString("en-US"));
    await expect(version(3).textContent()).resolves.toContain("appends to v2");
    await page.screenshot({ path: path.join(shots, "e2e-ingest-2-appended.png"), fullPage: true });
  });
});
