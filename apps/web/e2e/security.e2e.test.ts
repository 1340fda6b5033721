// The session edge in real Chromium against the built app: a sign-in
// redirect never leaves the site, a guessed password locks the account with a
// message saying when to retry, a copied cookie dies at sign-out, and the main
// pages run under the nonce CSP without a single violation. Every answer
// (pages, tRPC, downloads, uploads) carries the security headers.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { launchBrowser } from "../../../test/browser";
import { signInCookie } from "../../../test/e2e-session";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
let browser: Browser;
let db: Db;
let tenant: { id: string; slug: string };

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(inject("e2eDatabaseUrl"), { max: 2 });
  tenant = await createTenant(db);
});
afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

/** A user of this file only: locking or signing out the demo users would disturb the other suites. */
const newUser = (): Promise<TestUser> => createMember(db, tenant, "ANALYST");

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await ctx.newPage();
  // Violations as the page sees them (the init script runs outside the page's CSP).
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("sign-in redirect targets", () => {
  it.each(["/\\evil.example/x", "//evil.example/x", "http://evil.example/x", "/%5Cevil.example/x"])(
    "stays on the site for callbackUrl=%s",
    async (target) => {
      const u = await newUser();
      const page = await newPage();
      await page.goto(`${baseUrl}/signin?callbackUrl=${encodeURIComponent(target)}`);
      await fillSignIn(page, u.email, PASSWORD);
      await page.waitForURL((url) => url.pathname === "/datasets" || !url.href.startsWith(baseUrl), {
        timeout: 20_000,
      });
      expect(new URL(page.url()).origin).toBe(new URL(baseUrl).origin);
      await page.context().close();
    },
  );

  it("still follows a same-origin callbackUrl (the invitation link)", async () => {
    const u = await newUser();
    const page = await newPage();
    await page.goto(`${baseUrl}/signin?callbackUrl=${encodeURIComponent("/members")}`);
    await fillSignIn(page, u.email, PASSWORD);
    await page.waitForURL(`${baseUrl}/members`);
    await page.context().close();
  });
});

describe("sign-in lockout", () => {
  it("locks after 5 wrong passwords, says when to retry, and refuses the right password too", async () => {
    const u = await newUser();
    const page = await newPage();
    await page.goto(`${baseUrl}/signin`);
    for (let i = 0; i < 4; i++) {
      await fillSignIn(page, u.email, `wrong-${i}`);
      await expect
        .poll(() => page.getByRole("alert").filter({ hasText: "Could not sign in" }).textContent())
        .toMatch(/Wrong email or password/);
    }
    await fillSignIn(page, u.email, "wrong-4");
    const alert = page.getByRole("alert").filter({ hasText: "Could not sign in" });
    await expect
      .poll(() => alert.textContent())
      .toMatch(/Too many failed sign-ins\. Try again at .+ \(in 15 minutes\)/);
    await fillSignIn(page, u.email, PASSWORD);
    await expect.poll(() => alert.textContent()).toMatch(/Too many failed sign-ins/);
    expect(new URL(page.url()).pathname).toBe("/signin");
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: `test-results/signin-locked-${w}.png` });
    }
    await page.context().close();
  });
});

describe("sign-out", () => {
  it("a copied session cookie stops working right after signing out in the browser", async () => {
    const u = await newUser();
    const copied = await signInCookie(baseUrl, u.email, PASSWORD); // e.g. stolen from another device
    const page = await newPage();
    await page.goto(`${baseUrl}/signin`);
    await fillSignIn(page, u.email, PASSWORD);
    await page.waitForURL(`${baseUrl}/datasets`);
    const me = () => fetch(`${baseUrl}/api/trpc/tenant.me`, { headers: { cookie: copied } });
    expect((await me()).status).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    expect((await me()).status).toBe(401);
    const pageRes = await fetch(`${baseUrl}/datasets`, { headers: { cookie: copied }, redirect: "manual" });
    expect(pageRes.status).toBeGreaterThanOrEqual(300);
    expect(pageRes.headers.get("location")).toMatch(/\/signin/);
    await page.context().close();
  });
});

describe("security headers and CSP", () => {
  const fixed = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
  };

  it("every kind of answer carries them: pages (nonce CSP), tRPC, downloads, uploads, auth", async () => {
    const cookie = await signInCookie(baseUrl, (await newUser()).email, PASSWORD);
    const page = await fetch(`${baseUrl}/signin`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    const html = await page.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`nonce="${nonce}"`);
    const again = (await fetch(`${baseUrl}/signin`)).headers.get("content-security-policy")!;
    expect(/'nonce-([^']+)'/.exec(again)![1]).not.toBe(nonce);

    const answers = [
      page,
      await fetch(`${baseUrl}/datasets`, { headers: { cookie } }),
      await fetch(`${baseUrl}/api/trpc/tenant.me`, { headers: { cookie } }),
      await fetch(`${baseUrl}/api/trpc/tenant.me`),
      await fetch(`${baseUrl}/api/queries/nope/download?format=csv`, { headers: { cookie } }),
      await fetch(`${baseUrl}/api/uploads`, { method: "OPTIONS" }),
      await fetch(`${baseUrl}/api/uploads`, { method: "POST", headers: { cookie, "tus-resumable": "1.0.0" } }),
      await fetch(`${baseUrl}/api/audit/export`, { headers: { cookie } }),
      await fetch(`${baseUrl}/api/auth/session`),
    ];
    for (const res of answers) {
      for (const [k, v] of Object.entries(fixed)) expect(res.headers.get(k), `${k} on ${res.url}`).toBe(v);
      expect(res.headers.get("permissions-policy"), res.url).toMatch(/camera=\(\)/);
      expect(res.headers.get("content-security-policy"), res.url).toMatch(/frame-ancestors 'none'/);
    }
    expect(answers[2]!.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  });

  it("a cross-site form post to a tRPC mutation is refused with the victim's cookie", async () => {
    const cookie = await signInCookie(baseUrl, (await newUser()).email, PASSWORD);
    const res = await fetch(`${baseUrl}/api/trpc/savedQuery.create`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ json: { name: "x", sql: "SELECT 1" } }),
    });
    expect(res.status).toBe(415);
    const json = await fetch(`${baseUrl}/api/trpc/savedQuery.create`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ json: { name: "x", sql: "SELECT 1" } }),
    });
    expect(json.status).toBe(403);
  });

  it("the main pages run in Chromium with no CSP violation", async () => {
    const page = await newPage();
    const console: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) console.push(m.text());
    });
    await page.goto(`${baseUrl}/signin`);
    await fillSignIn(page, "owner@acme.test", "scrollintel");
    await page.waitForURL(`${baseUrl}/datasets`);
    for (const path of ["/datasets", "/upload", "/query", "/members", "/api-keys", "/usage", "/audit", "/trash"]) {
      await page.goto(`${baseUrl}${path}`);
      await page.waitForLoadState("networkidle");
      await page.locator("main").first().waitFor();
      const seen = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      expect(seen, path).toEqual([]);
    }
    await page.context().close();
    const admin = await newPage();
    admin.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) console.push(m.text());
    });
    await admin.goto(`${baseUrl}/signin`);
    await fillSignIn(admin, "admin@scrollintel.test", "scrollintel");
    await admin.waitForURL(`${baseUrl}/admin`);
    await admin.waitForLoadState("networkidle");
    expect(await admin.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(console).toEqual([]);
    await admin.context().close();
  });
});
