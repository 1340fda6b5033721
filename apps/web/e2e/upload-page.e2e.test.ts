// The upload page in real Chromium: many files at once with total progress,
// resume after a page reload (tus fingerprint), cancel giving the quota back.
// The network is slowed through Chromium's DevTools protocol so an upload is
// still running when the test reloads or cancels; no assertion is timed.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { expectAccessible } from "../../../test/axe";
import { launchPersistent } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBytes } from "@scrollintel/core/bytes";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import { makeRandomFile } from "../../../test/random-file";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { startWebServer, type WebServer } from "../../../test/web-server";

const MiB = 1024 * 1024;
const root = path.resolve(import.meta.dirname, "../../..");
const shots = path.join(root, "test-results");
let t: TestDb;
let server: WebServer;
let tmp: string;
let user: TestUser;
let browser: BrowserContext;
let page: Page;
let cdp: CDPSession;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-upload-page-"));
  t = await createTestDb();
  user = await createMember(t.db, await createTenant(t.db, { storageBytes: 10n * 1024n ** 3n }), "ANALYST");
  server = await startWebServer(
    { DATABASE_URL: t.url, DATA_DIR: path.join(tmp, "data") },
    path.join(root, "test-results-e2e-servers.log"),
  );
  browser = await launchPersistent(path.join(tmp, "profile"));
  page = browser.pages()[0] ?? (await browser.newPage());
  cdp = await browser.newCDPSession(page);
  await page.goto(`${server.baseUrl}/signin`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/datasets$/);
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await t?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Upload bandwidth in bytes per second; null lifts the limit. */
async function throttle(bytesPerSec: number | null) {
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSec ?? -1,
  });
}

function csv(name: string, rows: number): string {
  const lines = ["id,value"];
  for (let i = 0; i < rows; i++) lines.push(`${i},${i * 3}`);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

async function rowPercent(name: string): Promise<number> {
  const bar = page.getByRole("progressbar", { name: `${name} progress` });
  return Number(await bar.getAttribute("aria-valuenow"));
}

async function waitForPercent(name: string, atLeast: number) {
  while ((await rowPercent(name)) < atLeast) await page.waitForTimeout(100);
}

function storedSha(uploadId: string): string {
  const file = path.join(tmp, "data/storage/tenants", user.tenantId, "uploads", uploadId);
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

describe("upload page", () => {
  it("uploads several files at once with per-file and total progress, and updates the quota", async () => {
    await page.goto(`${server.baseUrl}/upload`);
    await page.getByTestId("quota-left").waitFor();
    const files = [csv("north.csv", 500), csv("south.csv", 800), csv("east.csv", 300)];
    await page.getByTestId("file-input").setInputFiles(files);
    await page.locator('[data-testid="upload-row"][data-state="done"]').nth(2).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId("upload-summary").textContent()).resolves.toContain("3 of 3 files done");
    // The browser previews before ingest by default: finished files wait for a review.
    await page.getByText(/^Finished files wait for your review/).waitFor();
    const used = (await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } })).storageBytesUsed;
    expect(used).toBe(BigInt(files.reduce((s, f) => s + fs.statSync(f).size, 0)));
    // The meter, which showed nothing used before, now shows the three files.
    await page
      .getByText(`${formatBytes(used)} of 10.0 GiB`)
      .first()
      .waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-upload-1-many-files.png"), fullPage: true });
    await expectAccessible(page, "e2e-upload-1-many-files");
  });

  it("resumes after a page reload from what the server stored, byte-identical", async () => {
    const { file, sha } = makeRandomFile(tmp, 24 * MiB);
    const name = path.basename(file);
    await page.goto(`${server.baseUrl}/upload`);
    await throttle(4 * MiB);
    await page.getByTestId("file-input").setInputFiles(file);
    await waitForPercent(name, 20);
    await page.screenshot({ path: path.join(shots, "e2e-upload-2-before-reload.png"), fullPage: true });
    await page.reload();
    await throttle(null);

    const unfinished = page.getByTestId("unfinished-upload").filter({ hasText: name });
    await unfinished.getByText(/% stored/).waitFor();
    await page.screenshot({ path: path.join(shots, "e2e-upload-3-after-reload.png"), fullPage: true });
    const patches: number[] = [];
    page.on("request", (r) => {
      if (r.method() === "PATCH") patches.push(Number(r.headers()["upload-offset"]));
    });
    await page.getByTestId("file-input").setInputFiles(file);
    const row = page.locator('[data-testid="upload-row"]').filter({ hasText: name });
    await row.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    expect(patches[0]).toBeGreaterThan(0);
    await expect(row.getByTestId("upload-detail").textContent()).resolves.toMatch(/continued at [1-9]\d*%/);
    await unfinished.waitFor({ state: "detached" });
    const upload = await t.db.upload.findFirstOrThrow({ where: { filename: name } });
    expect(upload.status).toBe("COMPLETE");
    expect(storedSha(upload.id)).toBe(sha);
  });

  it("pauses and resumes, and carries on by itself after the network dropped", async () => {
    const { file, sha } = makeRandomFile(tmp, 16 * MiB);
    const name = path.basename(file);
    const row = page.locator('[data-testid="upload-row"]').filter({ hasText: name });
    await page.goto(`${server.baseUrl}/upload`);
    await throttle(4 * MiB);
    await page.getByTestId("file-input").setInputFiles(file);
    await waitForPercent(name, 10);
    await row.getByRole("button", { name: "Pause" }).click();
    await row.and(page.locator('[data-state="paused"]')).waitFor();
    await throttle(null);
    // While the network is "down" every request on the upload fails as a reset connection.
    let down = true;
    await page.route("**/api/uploads/*", (route) => (down ? route.abort("connectionreset") : route.continue()));
    await row.getByRole("button", { name: "Resume" }).click();
    await row.and(page.locator('[data-state="retrying"]')).waitFor();
    await expect(row.getByTestId("upload-detail").textContent()).resolves.toMatch(/Reconnecting · connection lost/);
    await page.screenshot({ path: path.join(shots, "e2e-upload-4-reconnecting.png"), fullPage: true });
    down = false;
    await row.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    await page.unroute("**/api/uploads/*");
    const upload = await t.db.upload.findFirstOrThrow({ where: { filename: name } });
    expect(storedSha(upload.id)).toBe(sha);
  });

  it("cancels a running upload: the server drops it and the reservation is given back", async () => {
    const { file } = makeRandomFile(tmp, 16 * MiB);
    const name = path.basename(file);
    await page.goto(`${server.baseUrl}/upload`);
    await throttle(2 * MiB);
    await page.getByTestId("file-input").setInputFiles(file);
    await waitForPercent(name, 5);
    await page.getByText(/held by unfinished uploads/).waitFor();
    const row = page.locator('[data-testid="upload-row"]').filter({ hasText: name });
    await row.getByRole("button", { name: "Cancel" }).click();
    await row.and(page.locator('[data-state="cancelled"]')).waitFor();
    await throttle(null);
    await page.getByText(/held by unfinished uploads/).waitFor({ state: "detached" });
    const upload = await t.db.upload.findFirstOrThrow({ where: { filename: name } });
    expect(upload.status).toBe("TERMINATED");
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    expect(q.storageBytesReserved).toBe(0n);
    await page.screenshot({ path: path.join(shots, "e2e-upload-5-cancelled.png"), fullPage: true });
  });
});
