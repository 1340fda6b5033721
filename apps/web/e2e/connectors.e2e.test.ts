// Stream connectors in real Chromium against the real worker and the real NATS
// JetStream server: an admin reaches the page from the navigation, gets field
// errors from the keyboard, creates a connector (the token never comes back),
// publishes messages and sees them as records of the dataset; pauses, resumes,
// edits and deletes it with a confirmation. Analysts get neither link nor page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";
import { expectAccessible } from "../../../test/axe";
import { launchPersistent, openPersistentPage, type PersistentPage } from "../../../test/browser";
import { signInAs } from "../../../test/e2e-pages";
import { createTestStream, NATS_URL, type TestStream } from "../../../test/nats-stream";
import "../../../test/provided-context";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
const TOKEN = "e2e-token-must-not-show";
let chrome: PersistentPage;
let page: Page;
let db: Db;
let stream: TestStream;
let dataset: string;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ page } = chrome);
  db = createDb(inject("e2eDatabaseUrl"));
  stream = await createTestStream();
  dataset = `nats_${stream.name.slice(-8)}`;
});

afterAll(async () => {
  await stream?.drop();
  await chrome?.close();
  await db?.$disconnect();
});

const row = () => page.getByTestId("connector-row");

/** Waits until the connector's row says it has consumed `n` records (the list refreshes every 5 s). */
async function waitConsumed(n: number) {
  await expect
    .poll(async () => (await row().textContent()) ?? "", { timeout: 90_000, interval: 500 })
    .toMatch(new RegExp(`Records consumed\\s*${n}(?!\\d)`));
}

describe("stream connectors page", () => {
  it("creates a connector from the keyboard after showing field errors", async () => {
    await signInAs(page, baseUrl, "owner@globex.test");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connectors" }).click();
    await page.waitForURL(/\/connectors$/);
    await page.getByText("No connectors yet").waitFor({ timeout: 30_000 });
    await expectAccessible(page, "connectors-empty");

    // Submitting the empty form with Enter: every required field says what is wrong, focus goes to the first.
    await page.getByLabel("Stream", { exact: true }).focus();
    await page.keyboard.press("Enter");
    const servers = page.getByLabel("Server URLs");
    await expect.poll(() => servers.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("connector-servers");
    await page.getByText("Enter the server URL").waitFor();
    await page.getByText("Enter the JetStream stream name").waitFor();
    await expectAccessible(page, "connectors-form-errors");
    await page.screenshot({ path: path.join(shots, "connectors-errors-1440.png"), fullPage: true });

    await page.keyboard.type(NATS_URL);
    await page.keyboard.press("Tab");
    await page.keyboard.type(stream.name);
    await page.keyboard.press("Tab");
    await page.keyboard.type(`${stream.prefix}.>`);
    await page.keyboard.press("Tab");
    await page.keyboard.type(dataset);
    await page.getByLabel("Credentials").selectOption("token");
    await page.getByLabel("Token").fill(TOKEN);
    await page.getByLabel("Token").press("Enter");
    await row().waitFor({ timeout: 30_000 });
    expect(await row().getByTestId("connector-state").textContent()).toBe("running");
    expect(await row().textContent()).toContain("stored, encrypted");
    const stored = await db.streamConnector.findFirstOrThrow({
      where: { config: { path: ["stream"], equals: stream.name } },
    });
    expect(stored.secret).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
  });

  it("consumes published messages into the dataset, with status on the page", async () => {
    await stream.publish(
      `${stream.prefix}.orders`,
      Array.from({ length: 25 }, (_, i) => ({ id: i, sku: `s${i % 4}` })),
    );
    await waitConsumed(25);
    expect(await row().textContent()).toMatch(/Pending in stream\s*0/);
    await expectAccessible(page, "connectors-list");
    await page.screenshot({ path: path.join(shots, "connectors-1440.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await row().waitFor();
    // Charts take their new width when their resize observer fires, a frame or so after the resize.
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await expect.poll(overflow, { timeout: 10_000 }).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, "connectors-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    // The records are in the dataset: its page counts them once compacted, and links back here.
    await row().getByRole("link", { name: dataset }).click();
    await page.waitForURL(/\/datasets\//);
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByText("Event stream").waitFor({ timeout: 30_000 });
          return page.getByText(/· 25 rows/).count();
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, "connectors-dataset-1440.png"), fullPage: true });
    await page.getByRole("link", { name: "Stream connectors" }).click();
    await page.waitForURL(/\/connectors\?dataset=/);
    await row().waitFor({ timeout: 30_000 });
  });

  it("pauses, resumes from where it stopped, edits and deletes with a confirmation", async () => {
    await row()
      .getByRole("button", { name: /^Pause connector/ })
      .click();
    await row().getByTestId("connector-state").getByText("paused").waitFor({ timeout: 30_000 });
    await stream.publish(
      `${stream.prefix}.orders`,
      Array.from({ length: 5 }, (_, i) => ({ id: 100 + i, sku: "p" })),
    );
    await row()
      .getByRole("button", { name: /^Resume connector/ })
      .click();
    await row().getByTestId("connector-state").getByText("running").waitFor({ timeout: 30_000 });
    await waitConsumed(30);

    await row()
      .getByRole("button", { name: /^Edit connector/ })
      .click();
    const subject = page.getByLabel("Subject filter (optional)");
    expect(await subject.inputValue()).toBe(`${stream.prefix}.>`);
    expect(await page.getByLabel("Credentials").inputValue()).toBe("keep");
    await subject.fill(`${stream.prefix}.orders`);
    await page.getByRole("button", { name: "Save connector" }).click();
    await row().getByText(`${stream.prefix}.orders`).waitFor({ timeout: 30_000 });
    expect(await row().textContent()).toContain("stored, encrypted");

    await row()
      .getByRole("button", { name: /^Delete connector/ })
      .click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Records already in").waitFor();
    await expectAccessible(page, "connectors-delete-confirm");
    await dialog.getByRole("button", { name: "Delete connector" }).click();
    await page.getByText("No connectors yet").waitFor({ timeout: 30_000 });
    expect(await db.streamConnector.count({ where: { config: { path: ["stream"], equals: stream.name } } })).toBe(0);
  });

  it("is not offered to analysts", async () => {
    const d2 = fs.mkdtempSync(path.join(os.tmpdir(), "si-chromium-"));
    const analyst = await launchPersistent(d2);
    try {
      const p = analyst.pages()[0] ?? (await analyst.newPage());
      await signInAs(p, baseUrl, "analyst@globex.test");
      await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).waitFor();
      expect(await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connectors" }).count()).toBe(
        0,
      );
      await p.goto(`${baseUrl}/connectors`);
      await p.getByText("Stream connectors are managed by admins").waitFor({ timeout: 30_000 });
    } finally {
      await analyst.close();
      fs.rmSync(d2, { recursive: true, force: true });
    }
  });
});
