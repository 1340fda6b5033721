// The analyst's day outside the query page, in real Chromium at a laptop's
// 1440×900 and a phone's 390×844: every point a new user tripped over (docs by
// URL, lagging usage charts, clipped axes, the operator's logo click, upload
// banners and refusals, raw ids in the audit log, one-click suspension, MB vs
// MiB, phone layout, plurals) is walked through, each page is screenshotted in
// test-results/ and checked with axe-core.
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
const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

let browser: Browser;
let db: Db;
let owner: TestUser;
let analyst: TestUser;
let viewer: TestUser;
const contexts: BrowserContext[] = [];
const MIB = 1024 * 1024;

const signedIn = new Map<string, { ctx: BrowserContext; page: Page }>();

/**
 * A page signed in as `user` at the viewport's size, on /datasets. Each user
 * signs in once per viewport (the session cookie is reused); `fresh` gives a
 * context of its own, for tests that sign out.
 */
async function open(vp: Viewport, user: { email: string } | null, opts: { fresh?: boolean } = {}): Promise<Page> {
  const key = `${vp.name}:${user?.email ?? "-"}`;
  const cached = opts.fresh || !user ? undefined : signedIn.get(key);
  if (cached) {
    await cached.page.close();
    cached.page = await cached.ctx.newPage();
    await cached.page.goto(`${baseUrl}/datasets`);
    return cached.page;
  }
  const ctx = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  if (user) await signInAs(page, baseUrl, user.email, PASSWORD);
  if (user && !opts.fresh) signedIn.set(key, { ctx, page });
  return page;
}

/**
 * What every page must pass: a screenshot to look at, no horizontal scrolling
 * on a phone, binary byte units only, and no serious accessibility problem.
 */
async function checkPage(page: Page, vp: Viewport, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `polish-${name}-${vp.name}.png`), fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} is wider than the ${vp.width} px viewport`).toBeLessThanOrEqual(vp.width);
  expect(await page.locator("body").innerText()).not.toMatch(/\d\s?(KB|MB|GB|TB)\b/);
  await expectAccessible(page, `${name} at ${vp.name}`);
}

/** The main navigation: inline on a laptop, behind "Menu" on a phone. */
async function navLinks(page: Page, vp: Viewport): Promise<string[]> {
  if (vp.name === "phone") await page.getByRole("button", { name: "Menu" }).click();
  const names = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
  if (vp.name === "phone") await page.getByRole("button", { name: "Close" }).click();
  return names;
}

async function addDatasets(tenant: TestUser, names: string[]) {
  for (const [i, name] of names.entries()) {
    await db.dataset.create({
      data: { tenantId: tenant.tenantId, name, createdBy: tenant.id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) },
    });
  }
}

/** A CSV of 2,000 rows in test-results. */
function writeRowsCsv(name: string): string {
  const file = path.join(shots, name);
  fs.writeFileSync(file, "id,name\n" + Array.from({ length: 2000 }, (_, i) => `${i},row ${i}`).join("\n") + "\n");
  return file;
}

/**
 * The analyst's /upload page with `file` started and its bytes held: the
 * upload exists on the server, its PATCH never leaves the browser, so it
 * stays in flight in this tab.
 */
async function startHeldUpload(vp: Viewport, file: string): Promise<Page> {
  const page = await open(vp, analyst);
  await page.goto(`${baseUrl}/upload`);
  let held = 0;
  await page.route("**/api/uploads/**", (route) =>
    route.request().method() === "PATCH" ? void held++ : route.continue(),
  );
  await page.getByTestId("file-input").setInputFiles(file);
  await page.getByTestId("upload-row").waitFor();
  await expect.poll(() => held, { timeout: 15_000 }).toBeGreaterThan(0);
  return page;
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  db = createDb(inject("e2eDatabaseUrl"));
  const umbrella = await createTenant(db, { slug: "umbrella" });
  owner = await createMember(db, umbrella, "OWNER");
  analyst = await createMember(db, umbrella, "ANALYST");
  viewer = await createMember(db, umbrella, "VIEWER");
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await db?.$disconnect();
});

describe.each(VIEWPORTS)("at $width×$height", (vp) => {
  it("opens the integration guide by URL and after a reload, rendered as a document", async () => {
    const page = await open(vp, owner);
    await page.goto(`${baseUrl}/docs/integrations`);
    await page.reload();
    expect(page.url()).toBe(`${baseUrl}/docs/integrations`);
    const doc = page.getByTestId("doc-body");
    await doc.locator("h1").first().waitFor();
    expect(await doc.locator("h2").count()).toBeGreaterThan(1);
    expect(await doc.locator("pre code").count()).toBeGreaterThan(0);
    expect(await doc.innerText()).not.toMatch(/^#{1,3} |```/m);
    await checkPage(page, vp, "docs-integrations");
  });

  it("keeps the operator out of errors when the logo is clicked", async () => {
    const page = await open(vp, null);
    await page.goto(`${baseUrl}/signin`);
    await page.getByLabel("Email").fill("admin@scrollintel.test");
    await page.getByLabel("Password").fill("scrollintel");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin$/);
    await page.locator('[data-testid="tenant-row"][data-slug="acme"]').waitFor();
    await page.getByRole("link", { name: "ScrollIntel" }).click();
    await page.waitForURL(/\/admin$/);
    await page.locator('[data-testid="tenant-row"][data-slug="acme"]').waitFor();
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    // Typed by hand, a workspace page says why it is empty instead of failing.
    await page.goto(`${baseUrl}/datasets`);
    await page.getByText("No workspace", { exact: true }).waitFor();
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    await checkPage(page, vp, "admin-no-workspace");
    await page.goto(`${baseUrl}/admin`);
    await page.locator('[data-testid="tenant-row"][data-slug="acme"]').waitFor();
    await checkPage(page, vp, "admin-console");
  });

  it("shows viewers no upload page or link, and tells them why", async () => {
    const page = await open(vp, viewer);
    expect(await navLinks(page, vp)).not.toContain("Upload");
    expect(await page.getByRole("link", { name: /Upload/ }).count()).toBe(0);
    await page.goto(`${baseUrl}/upload`);
    await page.getByText("Your role cannot upload files").waitFor();
    expect(await page.getByTestId("drop-zone").count()).toBe(0);
    await checkPage(page, vp, "upload-viewer");
  });

  it("reaches Sign out on every screen, through a menu on a phone", async () => {
    // Its own member: signing out must not end the sessions the other tests reuse.
    const leaver = await createMember(db, { id: analyst.tenantId, slug: analyst.slug }, "ANALYST");
    const page = await open(vp, leaver, { fresh: true });
    if (vp.name === "phone") {
      expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
      await page.getByRole("button", { name: "Menu" }).click();
      await page.screenshot({ path: path.join(shots, `polish-menu-${vp.name}.png`) });
      await expectAccessible(page, "the open menu");
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
  });
});

describe("datasets, members, keys and audit", () => {
  it("searches datasets in the database and pages through them", async () => {
    await addDatasets(owner, [
      ...Array.from({ length: 28 }, (_, i) => `batch_${String(i).padStart(2, "0")}`),
      "sales_2024",
      "sales_2025",
    ]);
    for (const vp of VIEWPORTS) {
      const page = await open(vp, owner);
      await page.getByTestId("dataset-row").first().waitFor();
      await expect(page.getByTestId("dataset-count").innerText()).resolves.toBe("1–25 of 30 datasets");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByTestId("dataset-count").filter({ hasText: "26–30 of 30 datasets" }).waitFor();
      await page.getByLabel("Search datasets").fill("SALES_");
      await page
        .getByTestId("dataset-count")
        .filter({ hasText: /^2 datasets$/ })
        .waitFor();
      expect(await page.getByTestId("dataset-row").allInnerTexts()).toEqual([
        expect.stringContaining("sales_2025"),
        expect.stringContaining("sales_2024"),
      ]);
      await checkPage(page, vp, "datasets-search");
      await page.getByLabel("Search datasets").fill("no-such-thing");
      await page.getByText("No dataset matches").waitFor();
    }
  });

  it("describes each role on the Members page", async () => {
    for (const vp of VIEWPORTS) {
      const page = await open(vp, owner);
      await page.goto(`${baseUrl}/members`);
      const roles = page.getByTestId("role-descriptions");
      await roles.waitFor();
      expect(await roles.innerText()).toMatch(/viewer\s+Reads datasets/i);
      await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
      await expect(page.locator("#invite-role-help").innerText()).resolves.toMatch(/cannot upload/);
      await checkPage(page, vp, "members");
    }
  });

  it("gives API keys an expiry, lists it, and refuses a key once it has expired", async () => {
    const page = await open(VIEWPORTS[0], owner);
    await page.goto(`${baseUrl}/api-keys`);
    await page.getByLabel("Name").fill("weekly-export");
    await page.getByLabel("Expires").selectOption("7");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.getByLabel("New API key").inputValue();
    const row = page.getByTestId("api-key-row").filter({ hasText: "weekly-export" });
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString("en-GB", { dateStyle: "medium" });
    await expect(row.getByTestId("api-key-expiry").innerText()).resolves.toContain(inAWeek);
    const call = () =>
      fetch(`${baseUrl}/api/trpc/dataset.list`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    expect(await call()).toBe(200);
    await db.apiKey.updateMany({ where: { name: "weekly-export" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await call()).toBe(401);
    for (const vp of VIEWPORTS) {
      const p = await open(vp, owner);
      await p.goto(`${baseUrl}/api-keys`);
      await p.getByTestId("api-key-row").filter({ hasText: "weekly-export" }).getByText("expired").waitFor();
      await checkPage(p, vp, "api-keys");
    }
  });

  it("names people and keys in the tenant audit log, as the admin console does", async () => {
    for (const vp of VIEWPORTS) {
      const page = await open(vp, owner);
      await page.goto(`${baseUrl}/audit`);
      await page.getByTestId("audit-row").first().waitFor();
      const actors = await page.getByTestId("audit-actor").allInnerTexts();
      expect(actors).toContain(owner.email);
      expect(actors.join(" ")).not.toContain(owner.id);
      const targets = await page.getByTestId("audit-target").allInnerTexts();
      expect(targets.some((t) => /^key weekly-export \(si_[0-9a-f]{12}\)$/.test(t))).toBe(true);
      await checkPage(page, vp, "audit");
    }
  });
});

describe("uploads", () => {
  it("says what the upload page accepts", async () => {
    const page = await open(VIEWPORTS[0], analyst);
    await page.goto(`${baseUrl}/upload`);
    await page.getByText(/up to 5\.0 GiB each/).waitFor();
    const text = await page.getByRole("heading", { name: "Upload files" }).locator("..").innerText();
    for (const word of ["CSV", "NDJSON", "Parquet", "gzip", "zstd"]) expect(text).toContain(word);
  });

  it("does not list an upload running in this tab as unfinished", async () => {
    const file = writeRowsCsv("polish-unfinished.csv");
    for (const vp of VIEWPORTS) {
      const page = await startHeldUpload(vp, file);
      // The check after the upload's fingerprint was saved has found every one in the store, this
      // tab's included: the page must not list this tab's own.
      const stored = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("tus::")).length);
      await expect.poll(stored).toBeGreaterThan(0);
      await expect
        .poll(async () => Number(await page.getByTestId("unfinished-uploads").getAttribute("data-seen")))
        .toBe(await stored());
      expect(await page.getByTestId("unfinished-upload").filter({ hasText: "polish-unfinished.csv" }).count()).toBe(0);
      await checkPage(page, vp, "upload-in-flight");
      // Cancelled here, so the next viewport starts from nothing left over.
      await page.unrouteAll({ behavior: "ignoreErrors" });
      await page.close();
    }
  });

  it("lists an upload a closed tab left as unfinished, and discards it", async () => {
    const file = writeRowsCsv("polish-left.csv");
    for (const vp of VIEWPORTS) {
      const page = await startHeldUpload(vp, file);
      // Unload first, as closing a tab does: the page cancels its requests, the held PATCH with them. A bare
      // close() detaches DevTools while the PATCH is still paused, and Chromium then sends it on: the whole
      // file arrived, the upload finished, and nothing was left unfinished to list.
      await page.goto("about:blank");
      await page.close();
      const later = await open(vp, analyst);
      await later.goto(`${baseUrl}/upload`);
      const left = later.getByTestId("unfinished-upload").filter({ hasText: "polish-left.csv" });
      await left.waitFor();
      expect(await left.innerText()).toContain("0% stored");
      await checkPage(later, vp, "upload-unfinished");
      await left.getByRole("button", { name: "Discard" }).click();
      await left.waitFor({ state: "detached" });
    }
  });

  it("offers no Resume for a refused upload and says why: over the file limit, or no permission", async () => {
    const tiny = await createTenant(db, { slug: "tiny", maxFileBytes: 1024n });
    const small = await createMember(db, tiny, "ANALYST");
    const big = path.join(shots, "polish-too-big.csv");
    fs.writeFileSync(big, "id,text\n" + Array.from({ length: 400 }, (_, i) => `${i},some text`).join("\n") + "\n");
    const ok = path.join(shots, "polish-small.csv");
    fs.writeFileSync(ok, "id\n1\n");
    for (const vp of VIEWPORTS) {
      const page = await open(vp, small);
      await page.goto(`${baseUrl}/upload`);
      await page.getByTestId("file-input").setInputFiles(big);
      const refused = page.locator('[data-testid="upload-row"][data-state="error"]');
      await refused.waitFor();
      await expect(refused.getByTestId("upload-detail").innerText()).resolves.toMatch(
        /Refused · .*(larger|limit|1\.0 KiB)/i,
      );
      expect(await refused.getByRole("button", { name: "Resume" }).count()).toBe(0);
      await checkPage(page, vp, "upload-refused-quota");
      // Demoted while the page is open: the server refuses, the page says so and offers nothing to retry.
      await db.membership.updateMany({ where: { userId: small.id }, data: { role: "VIEWER" } });
      await page.getByTestId("file-input").setInputFiles(ok);
      // The refused row says why; moments later the page learns the new role and shows why it cannot upload
      // instead. Either way: a reason, and nothing to resume.
      await page
        .getByTestId("upload-detail")
        .filter({ hasText: /Refused · ./ })
        .nth(1)
        .or(page.getByText("Your role cannot upload files"))
        .first()
        .waitFor();
      expect(await page.getByRole("button", { name: "Resume" }).count()).toBe(0);
      await checkPage(page, vp, "upload-refused-role");
      await db.membership.updateMany({ where: { userId: small.id }, data: { role: "ANALYST" } });
    }
  });
});

describe("a dataset's figures", () => {
  it("says 1 row, not 1 rows, and writes profile means in plain digits", async () => {
    const file = path.join(shots, "polish_one_row.csv");
    fs.writeFileSync(file, "id,amount\n1,4998.41105773\n");
    const page = await open(VIEWPORTS[0], analyst);
    await page.goto(`${baseUrl}/upload`);
    await page.getByLabel("Preview before ingest").uncheck();
    await page.getByTestId("file-input").setInputFiles(file);
    await page.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 60_000 });
    await page.getByRole("link", { name: "polish_one_row.csv" }).click();
    await page.getByText(/Version 1 · 1 row\b/).waitFor({ timeout: 60_000 });
    const url = page.url();
    for (const vp of VIEWPORTS) {
      const p = await open(vp, analyst);
      await p.goto(url);
      await p.getByText(/Version 1 · 1 row\b/).waitFor();
      const profiles = p.getByTestId("column-profile");
      await profiles.first().waitFor({ timeout: 60_000 });
      const text = await profiles.allInnerTexts();
      expect(text.join("\n")).toContain("4,998.4111");
      expect(text.join("\n")).not.toMatch(/\de[+-]?\d/i);
      await checkPage(p, vp, "dataset");
      // A viewer reads the same page without the upload and re-ingest forms its role would be refused.
      const v = await open(vp, viewer);
      await v.goto(url);
      await v.getByTestId("column-profile").first().waitFor();
      expect(await v.getByRole("button", { name: /Append a file/ }).count()).toBe(0);
      expect(await v.getByRole("button", { name: /Re-ingest/ }).count()).toBe(0);
      await checkPage(v, vp, "dataset-viewer");
    }
  });
});

describe("usage", () => {
  it("charts today's ingest and queries at once, equal to the totals, with axis labels that fit", async () => {
    // Yesterday, an enormous scan: its bar needs a label of 12M MiB, which used to lose its first digit.
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.usageEvent.create({
      data: { tenantId: owner.tenantId, kind: "SCAN_BYTES", amount: BigInt(12_000_000 * MIB), createdAt: yesterday },
    });
    const cookiePage = await open(VIEWPORTS[0], analyst);
    const cookie = (await cookiePage.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${baseUrl}/api/trpc/query.run`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: baseUrl },
        body: JSON.stringify({ json: { sql: "SELECT 42 AS answer" } }),
      });
      expect(r.status).toBe(200);
    }
    for (const vp of VIEWPORTS) {
      const page = await open(vp, owner);
      await page.goto(`${baseUrl}/usage`);
      const today = page.getByTestId("usage-today");
      await today.waitFor();
      const monthQueries = await page.getByText("Queries this month").locator("..").locator("dd").innerText();
      // No roll-up has run for today, and the chart already counts every query the totals count.
      await expect(today.innerText()).resolves.toContain(`${monthQueries} quer`);
      expect(Number(monthQueries)).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: path.join(shots, `polish-usage-${vp.name}.png`), fullPage: true });
      // Charts load after the page, one by one: wait for the scan chart's big label itself.
      await page
        .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value", { hasText: /^12M$/ })
        .first()
        .waitFor();
      const labels = await page
        .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
        .allTextContents();
      expect(labels).toContain("12M");
      expect(labels.every((l) => l.length <= 5)).toBe(true);
      // Every label lies inside its chart, none cut at the card's edge.
      const clipped = await page.evaluate(
        () =>
          [...document.querySelectorAll(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")].filter(
            (t) => {
              const svg = t.closest("svg")!.getBoundingClientRect();
              return t.getBoundingClientRect().left < svg.left;
            },
          ).length,
      );
      expect(clipped).toBe(0);
      await checkPage(page, vp, "usage");
    }
  });
});

describe("suspending a tenant", () => {
  it("asks first, in a dialog the keyboard can answer, and then shows its members a banner on every page", async () => {
    const initrode = await createTenant(db, { slug: "initrode" });
    const member = await createMember(db, initrode, "ANALYST");
    const admin = await open(VIEWPORTS[0], null);
    await admin.goto(`${baseUrl}/signin`);
    await admin.getByLabel("Email").fill("admin@scrollintel.test");
    await admin.getByLabel("Password").fill("scrollintel");
    await admin.getByRole("button", { name: "Sign in" }).click();
    const row = admin.locator('[data-testid="tenant-row"][data-slug="initrode"]');
    await row.waitFor();
    await row.getByRole("button", { name: "Suspend" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.waitFor();
    await admin.screenshot({ path: path.join(shots, "polish-suspend-dialog-desktop.png") });
    await expectAccessible(admin, "the suspend dialog");
    await admin.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: initrode.id } })).status).toBe("ACTIVE");
    await row.getByRole("button", { name: "Suspend" }).click();
    await admin.keyboard.type("initrode");
    await admin.keyboard.press("Enter");
    await row.getByText("suspended").waitFor();
    expect((await db.tenant.findUniqueOrThrow({ where: { id: initrode.id } })).status).toBe("SUSPENDED");

    for (const vp of VIEWPORTS) {
      const page = await open(vp, member);
      for (const where of ["/datasets", "/usage", "/trash", "/query"]) {
        await page.goto(`${baseUrl}${where}`);
        const banner = page.getByTestId("suspended-banner");
        await banner.waitFor();
        expect(await banner.innerText()).toMatch(/suspended.*still sign in and read.*refused/s);
      }
      await page.goto(`${baseUrl}/datasets`);
      await page.getByTestId("suspended-banner").waitFor();
      await checkPage(page, vp, "suspended");
    }
  });
});

describe("small things", () => {
  it("serves a favicon", async () => {
    const r = await fetch(`${baseUrl}/favicon.ico`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/icon/);
  });

  it("keeps every remaining page inside a phone's width and accessible", async () => {
    for (const vp of VIEWPORTS) {
      const page = await open(vp, owner);
      for (const where of ["/trash", "/query", "/upload"]) {
        await page.goto(`${baseUrl}${where}`);
        await page.getByRole("heading").first().waitFor();
        await checkPage(page, vp, where.slice(1));
      }
      const signin = await open(vp, null);
      await signin.goto(`${baseUrl}/signin`);
      await checkPage(signin, vp, "signin");
    }
  });
});
