// The Usage page's Retention card in real Chromium: what the workspace keeps
// and for how long, and a tenant admin changing the policy; an analyst sees
// the same figures but no form.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { expectAccessible } from "../../../test/axe";
import { launchBrowser } from "../../../test/browser";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let browser: Browser;

async function signedIn(email: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("scrollintel");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/datasets$/);
  return page;
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("retention on the Usage page", () => {
  it("shows what is kept and lets the owner change how long results are kept", async () => {
    const page = await signedIn("owner@globex.test");
    await page.getByRole("link", { name: "Usage" }).click();
    const overview = page.getByTestId("retention-overview");
    await overview.getByText(/Query results and exports/).waitFor();
    await overview.getByText(/kept 7 days; nothing goes in the next 24 h/).waitFor();
    await overview.getByText(/kept 24 h after their last byte/).waitFor();
    await page.getByLabel("Query results and exports (days)").fill("14");
    await page.getByRole("button", { name: "Save retention" }).click();
    await overview.getByText(/kept 14 days/).waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-usage-retention.png"), fullPage: true });
    await expectAccessible(page, "e2e-usage-retention");
  });

  it("shows an analyst the figures without the form, on a phone too", async () => {
    const page = await signedIn("analyst@globex.test", { width: 390, height: 844 });
    await page.goto(`${baseUrl}/usage`);
    await page
      .getByTestId("retention-overview")
      .getByText(/kept 14 days/)
      .waitFor();
    if (await page.getByRole("button", { name: "Save retention" }).count()) throw new Error("analyst sees the form");
    await page.screenshot({ path: path.join(shots, "e2e-usage-retention-phone.png"), fullPage: true });
    await expectAccessible(page, "e2e-usage-retention-phone");
  });
});
