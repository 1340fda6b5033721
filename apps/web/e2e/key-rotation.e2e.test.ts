// Data key rotation in real Chromium, on a web and worker with storage
// encryption on: the owner sees the key version on the compliance page,
// rotates after a confirmation, watches the re-encrypt progress, and the
// rotation ends with the old version retired. Screenshots at desktop and phone size.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { launchBrowser } from "../../../test/browser";
import { signInAs } from "../../../test/e2e-pages";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { startWebServer, type WebServer } from "../../../test/web-server";
import { spawnWorker, waitFor, type WorkerProcess } from "../../../test/worker-harness";

const root = path.resolve(import.meta.dirname, "../../..");
const shots = path.join(root, "test-results");
const logFile = path.join(root, "test-results-e2e-servers.log");
let t: TestDb;
let tmp: string;
let owner: TestUser;
let web: WebServer;
let worker: WorkerProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-rotate-"));
  owner = await createMember(t.db, await createTenant(t.db), "OWNER");
  const env = {
    DATABASE_URL: t.url,
    DATA_DIR: tmp,
    STORAGE_ENCRYPTION: "on",
    STORAGE_MASTER_KEY: randomBytes(32).toString("base64"),
  };
  const storage = createTenantStorage(parseConfig(env), t.db);
  for (let i = 0; i < 3; i++) {
    const key = `tenants/${owner.tenantId}/datasets/aaaaaaaaaaaa/v1/part-${i}.parquet`;
    await storage.put(key, Readable.from([randomBytes(200_000)]));
  }
  web = await startWebServer(env, logFile);
  worker = await spawnWorker({ databaseUrl: t.url, dataDir: tmp, env });
  await waitFor("worker healthy", 60_000, async () => (await worker.health()) === 200);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInAs(page, web.baseUrl, owner.email, PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await worker?.kill();
  await web?.kill();
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function shoot(name: string) {
  fs.mkdirSync(shots, { recursive: true });
  for (const [w, h, tag] of [
    [1440, 900, "desktop"],
    [390, 844, "phone"],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(shots, `e2e-key-rotation-${name}-${tag}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe("data key rotation", () => {
  it("shows the key version, rotates after confirmation, and retires the old version", async () => {
    await page.goto(`${web.baseUrl}/compliance`);
    const card = page.getByTestId("encryption");
    await card.getByText("Data key version 1").waitFor();
    await card.getByRole("button", { name: "Rotate data key" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.textContent()).resolves.toContain("re-encrypts the existing objects");
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    await page.getByTestId("key-rotation").getByText("re-encrypting").waitFor();
    await shoot("running");
    // The old version is retired a minute after the rotation (other processes' key caches), then the page says so.
    await page.getByTestId("key-rotation").getByText("Retired versions: 1").waitFor({ timeout: 150_000 });
    await expect(card.textContent()).resolves.toContain("Data key version 2");
    await shoot("done");
    const keys = await t.db.tenantDataKey.findMany({ where: { tenantId: owner.tenantId } });
    expect(keys.map((k) => k.version)).toEqual([2]);
    const audit = await t.db.auditEvent.findMany({
      where: { tenantId: owner.tenantId, action: { startsWith: "key." } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["key.retire", "key.rotate"]);
  }, 240_000);
});
