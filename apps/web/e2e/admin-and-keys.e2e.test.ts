// The operator and the integrator, in real Chromium and over real HTTP:
// the platform admin creates a tenant, its owner joins through the invitation
// link, creates an API key, and an integration uses it for tRPC and uploads.
import fs from "node:fs";
import path from "node:path";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { Browser, Page } from "playwright-core";
import superjson from "superjson";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible } from "../../../test/axe";
import { launchBrowser } from "../../../test/browser";
import "../../../test/provided-context";
import type { AppRouter } from "../src/server/trpc/router";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let browser: Browser;
let admin: Page;
let owner: Page;
let apiKey = "";

async function signIn(page: Page, email: string) {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("scrollintel");
  await page.getByRole("button", { name: "Sign in" }).click();
}

function apiClient(key: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: { authorization: `Bearer ${key}` } }),
    ],
  });
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  owner = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
});

describe("operator console, invitations and API keys", () => {
  let inviteLink = "";

  it("lets the platform admin create a tenant and get its owner's invitation", async () => {
    await signIn(admin, "admin@scrollintel.test");
    await admin.waitForURL(/\/admin$/);
    await admin.locator('[data-testid="tenant-row"][data-slug="acme"]').waitFor();
    await admin.getByLabel("Slug").fill("initech");
    await admin.getByLabel("Name", { exact: true }).fill("Initech");
    await admin.getByLabel("Owner email (optional)").fill("boss@initech.test");
    await admin.getByRole("button", { name: "Create tenant" }).click();
    inviteLink = await admin.getByLabel("Owner invitation link").inputValue();
    expect(inviteLink).toMatch(/\/invite\/[A-Za-z0-9_-]{32}$/);
    await admin.locator('[data-testid="tenant-row"][data-slug="initech"]').waitFor();
    await admin.screenshot({ path: path.join(shots, "e2e-admin-console.png"), fullPage: true });
    await expectAccessible(admin, "e2e-admin-console");
  });

  it("turns the invitation into an account that lands in the new tenant", async () => {
    await owner.goto(inviteLink);
    await owner.getByText("Join Initech").waitFor();
    await expectAccessible(owner, "invitation page");
    await owner.getByLabel("Your name").fill("Bill Lumbergh");
    await owner.getByLabel("Password (10+ characters)").fill("yeah-if-you-could");
    await owner.getByRole("button", { name: "Create account and join" }).click();
    await owner.waitForURL(/\/datasets$/);
    await owner.getByTestId("tenant-name").filter({ hasText: "Initech" }).waitFor();
  });

  it("answers an invitation for an e-mail that has an account as for a new one, and joins nothing", async () => {
    await admin.getByLabel("Slug").fill("hooli");
    await admin.getByLabel("Name", { exact: true }).fill("Hooli");
    await admin.getByLabel("Owner email (optional)").fill(""); // an open link, bound to no e-mail
    await admin.getByRole("button", { name: "Create tenant" }).click();
    await admin.locator('[data-testid="tenant-row"][data-slug="hooli"]').waitFor();
    const linkBox = admin.getByLabel("Owner invitation link");
    await expect.poll(() => linkBox.inputValue()).not.toBe(inviteLink);
    const link = await linkBox.inputValue();
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await (await browser.newContext({ viewport })).newPage();
      await page.goto(link);
      await page.getByText("Join Hooli").waitFor();
      await page.getByLabel("Your name").fill("Someone");
      await page.getByLabel("Email").fill("admin@scrollintel.test");
      await page.getByLabel("Password (10+ characters)").fill("not-the-admins-password");
      await page.getByRole("button", { name: "Create account and join" }).click();
      await page.getByText("Sign in to finish joining.").waitFor();
      expect(page.url()).toBe(link);
      await page.screenshot({ path: path.join(shots, `e2e-invite-existing-${viewport.width}.png`), fullPage: true });
      await page.context().close();
    }
    // The link is still unused: the admin's account did not join Hooli.
    const res = await fetch(
      `${baseUrl}/api/trpc/invitation.get?input=${encodeURIComponent(
        JSON.stringify({ json: { token: link.split("/").pop() } }),
      )}`,
    );
    expect(res.status).toBe(200);
  });

  it("lets the owner create an API key, shown once", async () => {
    await owner.getByRole("link", { name: "API keys" }).click();
    await owner.getByLabel("Name").fill("nightly-etl");
    await owner.getByLabel(/upload/).check();
    await owner.getByRole("button", { name: "Create key" }).click();
    apiKey = await owner.getByLabel("New API key").inputValue();
    expect(apiKey).toMatch(/^si_[0-9a-f]{12}_/);
    await owner.getByTestId("api-key-row").filter({ hasText: "nightly-etl" }).waitFor();
    await owner.screenshot({ path: path.join(shots, "e2e-api-keys.png"), fullPage: true });
    await expectAccessible(owner, "e2e-api-keys");
  });

  it("serves an integration with the key: tRPC, a tus upload and a query", async () => {
    const api = apiClient(apiKey);
    expect(await api.dataset.list.query()).toEqual([]);
    const csv = Buffer.from("kind,n\nalpha,1\nbeta,2\nalpha,3\n");
    const datasetId = await new Promise<string>((resolve, reject) => {
      const up = new tus.Upload(csv, {
        endpoint: `${baseUrl}/api/uploads`,
        headers: { authorization: `Bearer ${apiKey}` },
        metadata: { filename: "from-etl.csv" },
        onSuccess: (p) => resolve(p.lastResponse.getHeader("Upload-Dataset-Id") ?? ""),
        onError: reject,
      });
      up.start();
    });
    expect(datasetId).toMatch(/^c[a-z0-9]+$/);
    for (let i = 0; i < 120; i++) {
      if ((await api.dataset.get.query({ id: datasetId })).status === "READY") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const run = await api.query.run.mutate({ sql: "SELECT kind, sum(n) AS total FROM from_etl GROUP BY 1 ORDER BY 1" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.previewRows).toEqual([
      { kind: "alpha", total: 4 },
      { kind: "beta", total: 2 },
    ]);
  });

  it("keeps the key inside its scopes and refuses bad keys", async () => {
    await expect(apiClient(apiKey).audit.list.query({ limit: 5 })).rejects.toSatisfy(
      (e) => e instanceof TRPCClientError && e.data?.code === "FORBIDDEN",
    );
    await expect(apiClient(`${apiKey.slice(0, -2)}xx`).dataset.list.query()).rejects.toSatisfy(
      (e) => e instanceof TRPCClientError && e.data?.httpStatus === 401,
    );
    const r = await fetch(`${baseUrl}/api/uploads`, {
      method: "POST",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "3", authorization: "Bearer si_000000000000_nope" },
    });
    expect(r.status).toBe(401);
  });

  it("shows the owner a verifiable audit trail and exports it", async () => {
    await owner.getByRole("link", { name: "Audit log" }).click();
    await owner.getByTestId("audit-row").first().waitFor();
    const actions = await owner.getByTestId("audit-row").locator("td:nth-child(3)").allTextContents();
    for (const a of [
      "tenant.create",
      "member.invite",
      "member.join",
      "auth.signin",
      "apikey.create",
      "upload.complete",
      "query.run",
    ]) {
      expect(actions, a).toContain(a);
    }
    await owner.getByRole("button", { name: "Verify chain" }).click();
    await owner.getByTestId("verify-result").filter({ hasText: "Chain intact" }).waitFor();
    await owner.screenshot({ path: path.join(shots, "e2e-audit.png"), fullPage: true });
    await expectAccessible(owner, "e2e-audit");
    const cookies = (await owner.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${baseUrl}/api/audit/export?format=csv&action=apikey`, { headers: { cookie: cookies } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("seq,createdAt,action,actorType,actorId,target,ip,userAgent,metadata,prevHash,hash");
    expect(lines.slice(1).every((l) => l.includes(",apikey.create,"))).toBe(true);
    // The IP is the TCP peer's, stamped by the Node server (instrumentation.ts), not a header a client sets.
    expect(lines.slice(1).map((l) => l.split(",")[6])).toEqual(lines.slice(1).map(() => "127.0.0.1"));
  });

  it("shows the owner quota meters and usage charts", async () => {
    await owner.getByRole("link", { name: "Usage" }).click();
    await owner.getByRole("meter", { name: "Storage" }).waitFor();
    await owner.locator(".recharts-surface").first().waitFor();
    await owner.screenshot({ path: path.join(shots, "e2e-usage.png"), fullPage: true });
  });

  it("lets the operator suspend a tenant: reads work, new work is refused", async () => {
    await admin.reload();
    const row = admin.locator('[data-testid="tenant-row"][data-slug="initech"]');
    await row.getByRole("button", { name: "Suspend" }).click();
    // Suspending asks first: the tenant's slug, typed, and Enter.
    await admin
      .getByRole("dialog")
      .getByLabel(/Type initech to confirm/)
      .fill("initech");
    await admin.keyboard.press("Enter");
    await row.getByRole("button", { name: "Reactivate" }).waitFor();
    const api = apiClient(apiKey);
    expect((await api.dataset.list.query()).length).toBe(1);
    await expect(api.query.run.mutate({ sql: "SELECT 1" })).rejects.toThrow(/suspended/);
    await row.getByRole("button", { name: "Reactivate" }).click();
    await row.getByRole("button", { name: "Suspend" }).waitFor();
    expect((await api.query.run.mutate({ sql: "SELECT 1 AS one" })).status).toBe("SUCCEEDED");
  });

  it("answers 429 with Retry-After when a tenant's API rate is used up", async () => {
    await admin
      .locator('[data-testid="tenant-row"][data-slug="initech"]')
      .getByRole("button", { name: "Quotas" })
      .click();
    await admin.getByLabel("API requests / minute").fill("1");
    await admin.getByRole("button", { name: "Save quotas" }).click();
    await admin.getByRole("button", { name: "Save quotas" }).waitFor({ state: "detached" });
    const call = () => fetch(`${baseUrl}/api/trpc/dataset.list`, { headers: { authorization: `Bearer ${apiKey}` } });
    let last = await call();
    for (let i = 0; i < 3 && last.status !== 429; i++) last = await call();
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    // The routes outside tRPC answer the same way.
    const audit = await fetch(`${baseUrl}/api/audit/export`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(audit.status).toBe(429);
    expect(Number(audit.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
