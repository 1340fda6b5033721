// The account page in real Chromium, by keyboard only: reached from the
// e-mail in the header, the password form says what is wrong under each
// field, a changed password ends every session of the person (another
// browser's too), and only the new password signs in.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { expectAccessible } from "../../../test/axe";
import { launchBrowser } from "../../../test/browser";
import { signInAs } from "../../../test/e2e-pages";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
const NEW_PASSWORD = "a-new-long-password";
let db: Db;
let browser: Browser;
let user: TestUser;
const contexts: BrowserContext[] = [];
let page: Page;

async function shoot(p: Page, name: string) {
  for (const [w, h, tag] of [
    [1440, 900, "desktop"],
    [390, 844, "phone"],
  ] as const) {
    await p.setViewportSize({ width: w, height: h });
    await p.screenshot({ path: path.join(shots, `e2e-account-${name}-${tag}.png`), fullPage: true });
  }
  await p.setViewportSize({ width: 1440, height: 900 });
}

async function signedIn(): Promise<Page> {
  const c = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  contexts.push(c);
  const p = await c.newPage();
  await signInAs(p, baseUrl, user.email, PASSWORD);
  return p;
}

/** Whether this browser's session still reaches a tenant procedure. */
async function sessionWorks(p: Page): Promise<boolean> {
  const status = await p.evaluate(async () => (await fetch("/api/trpc/tenant.me")).status);
  return status === 200;
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  db = createDb(inject("e2eDatabaseUrl"));
  user = await createMember(db, await createTenant(db), "ANALYST");
  browser = await launchBrowser();
  page = await signedIn();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await db?.$disconnect();
});

describe("changing one's password", () => {
  it("opens the account page from the e-mail in the header", async () => {
    await page.getByTestId("account-link").first().click();
    await page.waitForURL(/\/account$/);
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.getByLabel("Current password").waitFor();
    await expectAccessible(page, "account page");
    await shoot(page, "form");
  });

  it("says under each field what is wrong, and moves the focus to the first", async () => {
    await page.getByLabel("Current password").focus();
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Tab");
    await page.keyboard.type("short");
    await page.keyboard.press("Tab");
    await page.keyboard.type("short");
    await page.keyboard.press("Enter");
    await page.getByTestId("newPassword-error").waitFor();
    expect(await page.getByTestId("newPassword-error").textContent()).toMatch(/at least 8 characters/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("newPassword");
    expect(await page.getByLabel("New password", { exact: true }).getAttribute("aria-invalid")).toBe("true");

    await page.keyboard.press("Control+A");
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(`${NEW_PASSWORD}-typo`);
    await page.keyboard.press("Enter");
    await page.getByTestId("confirmPassword-error").waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("confirmPassword");
    await expectAccessible(page, "account page with errors");
    await shoot(page, "errors");
  });

  it("refuses a wrong current password, naming that field", async () => {
    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").press("Enter");
    await page.getByTestId("currentPassword-error").waitFor();
    expect(await page.getByTestId("currentPassword-error").textContent()).toMatch(/wrong password/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("currentPassword");
    expect(await sessionWorks(page)).toBe(true);
  });

  it("changes it, ends every session of the person, and signs in only with the new one", async () => {
    const other = await signedIn();
    expect(await sessionWorks(other)).toBe(true);
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("Confirm new password").press("Enter");
    await page.getByTestId("password-changed").waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Password changed");
    await expectAccessible(page, "account page after the change");
    await shoot(page, "changed");
    expect(await sessionWorks(page)).toBe(false);
    expect(await sessionWorks(other)).toBe(false);

    await page.getByRole("button", { name: "Sign in again" }).press("Enter");
    await page.waitForURL(/\/signin/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page
      .getByText(/could not sign in/i)
      .first()
      .waitFor();
    await signInAs(page, baseUrl, user.email, NEW_PASSWORD);
    expect(await sessionWorks(page)).toBe(true);
  });
});
