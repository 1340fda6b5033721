// Access policies in real Chromium: an owner makes a group and gives a member
// an attribute, masks a column and filters rows for analysts on the dataset
// page, sees "who sees what" and the compliance report; the analyst then sees
// the masked profile and no first rows. Screenshots at desktop and phone size.
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
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let dir: string;
let datasetUrl = "";

async function shoot(p: Page, name: string) {
  for (const [w, h, tag] of [
    [1440, 900, "desktop"],
    [390, 844, "phone"],
  ] as const) {
    await p.setViewportSize({ width: w, height: h });
    await p.screenshot({ path: path.join(shots, `e2e-access-${name}-${tag}.png`), fullPage: true });
  }
  await p.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-access-"));
  fs.writeFileSync(
    path.join(dir, "staff.csv"),
    "id,email,region\n1,ursula@example.com,EU\n2,victor@example.com,US\n3,wanda@example.com,EU\n",
  );
  browser = await launchBrowser();
  owner = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await owner.newPage();
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("access policies", () => {
  it("lets an owner make a group and give a member an attribute", async () => {
    await signInAs(page, baseUrl, "owner@acme.test");
    await page.goto(`${baseUrl}/members`);
    await page.getByLabel("New group").fill("eu-team");
    await page.getByLabel("New group").press("Enter");
    const group = page.getByTestId("access-group").filter({ hasText: "eu-team" });
    await group.waitFor();
    // The box shows the saved membership: it turns checked once the server has the change.
    await group.getByLabel("analyst@acme.test").click();
    await group.locator("input:checked").waitFor();
    await page.getByLabel("analyst@acme.test", { exact: true }).last().fill("region=EU");
    await page.getByLabel("analyst@acme.test", { exact: true }).last().press("Enter");
    await page.waitForTimeout(300);
    await shoot(page, "members");
  });

  it("masks a column and filters rows for analysts, and shows who sees what", async () => {
    await uploadAndOpen(page, baseUrl, path.join(dir, "staff.csv"), "staff");
    const editor = page.getByTestId("policy-editor");
    await editor.waitFor({ timeout: 60_000 });
    datasetUrl = page.url();
    await editor.getByRole("button", { name: "Add a mask" }).click();
    await editor.getByLabel("Column of mask 1").selectOption("email");
    await editor.getByLabel("Method of mask 1").selectOption("partial");
    await editor.locator("#mask-subject-0").selectOption("role:ANALYST");
    await editor.getByRole("button", { name: "Add a row filter" }).click();
    await editor.getByLabel("Row filter 1").fill("region = user.region");
    await editor.locator("#filter-subject-0").selectOption("role:ANALYST");
    await editor.getByRole("button", { name: "Save access policy" }).click();
    const analystRow = page.getByTestId("who-sees-what").locator("tr").filter({ hasText: "analyst" });
    await analystRow.filter({ hasText: "email: partial" }).waitFor();
    await expect(analystRow.textContent()).resolves.toContain("region = user.region");
    await page.getByTestId("who-sees-what").scrollIntoViewIfNeeded();
    await shoot(page, "dataset");
  });

  it("refuses a predicate that is not a condition, naming the field", async () => {
    const editor = page.getByTestId("policy-editor");
    await editor.getByLabel("Row filter 1").fill("region = 'EU'; DROP TABLE staff");
    await editor.getByRole("button", { name: "Save access policy" }).click();
    await expect(editor.getByText(/rowFilters\.0\.predicate/).textContent()).resolves.toMatch(/predicate/);
  });

  it("shows the analyst a masked profile and no first rows", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await ctx.newPage();
    await signInAs(p, baseUrl, "analyst@acme.test");
    await p.goto(datasetUrl);
    await p.getByTestId("rows-filtered-note").waitFor();
    const body = await p.locator("main").textContent();
    expect(body).not.toContain("ursula@example.com");
    expect(body).toContain("hidden (row filter)");
    expect(body).toContain("masked (partial)");
    // Under a row filter no count of all rows shows: not in the header, the profiles or the versions.
    expect(body).toContain("rows hidden by your access policy");
    expect(body).not.toMatch(/\b3 rows\b/);
    await expect(p.getByTestId("versions").textContent()).resolves.toContain("hidden by policy");
    await shoot(p, "analyst-dataset");
    await p.goto(`${baseUrl}/datasets`);
    const row = p.locator("tr").filter({ hasText: "staff" });
    await expect(row.textContent()).resolves.toContain("hidden by policy");
    await shoot(p, "analyst-datasets");
    await ctx.close();
  });

  it("gives the owner the compliance report", async () => {
    await page.goto(`${baseUrl}/compliance`);
    const matrix = page.getByTestId("access-matrix").filter({ hasText: "staff" });
    await matrix.waitFor();
    await expect(matrix.locator("tr").filter({ hasText: "analyst@acme.test" }).textContent()).resolves.toContain(
      "email: partial",
    );
    await expect(page.getByTestId("audit-proof").textContent()).resolves.toContain("verified");
    await expect(page.getByTestId("policy-history").textContent()).resolves.toContain("access.policy.update");
    await shoot(page, "compliance");
  });
});
