// Reading options in real Chromium against the real worker: a Latin-1 file
// fails naming the line and the encoding option, the form is on the failed
// version's page, and choosing the encoding there makes a READY version; an
// append with an over-long line fails and is re-read from its own form.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPersistentPage, type PersistentPage } from "../../../test/browser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInAs } from "../../../test/e2e-pages";

const baseUrl = inject("baseUrl");
const shots = path.resolve(import.meta.dirname, "../../../test-results");
let chrome: PersistentPage;
let page: Page;
let dir: string;

const version = (v: number) => page.getByTestId("version-row").filter({ hasText: new RegExp(`^v${v}\\b`) });
const form = () => page.locator("#reading-options");

async function shoot(name: string) {
  for (const [w, h] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(shots, `e2e-options-${name}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  chrome = await openPersistentPage();
  ({ dir, page } = chrome);
  fs.writeFileSync(path.join(dir, "people.csv"), Buffer.from("id,name\n1,Ann\n2,José\n3,Müller\n", "latin1"));
  const long = `id,name\n4,${"x".repeat(3_000_000)}\n5,Zoë\n`;
  fs.writeFileSync(path.join(dir, "more people.csv"), Buffer.from(long, "latin1"));
});

afterAll(async () => {
  await chrome?.close();
});

describe("reading options on the dataset page", () => {
  it("shows the options form for a failed first version, whose error names the line and the encoding", async () => {
    await signInAs(page, baseUrl, "analyst@globex.test");
    await page.goto(`${baseUrl}/upload`);
    // Straight to the ingest: the preview before it has its own test (upload-preview.e2e.test.ts).
    await page.getByLabel("Preview before ingest").uncheck();
    await page.getByText("Reading options (encoding").click();
    await page.getByTestId("upload-reading-options").getByLabel("Encoding").waitFor();
    await shoot("upload");
    // Skipping offers the threshold above which a version waits for confirmation (default 1%).
    const upload = page.getByTestId("upload-reading-options");
    await upload.getByLabel("Bad rows").selectOption("skip");
    await expect(upload.getByLabel("Ask me first above (% skipped)").inputValue()).resolves.toBe("1");
    await upload.getByLabel("Bad rows").selectOption("fail");
    await page.getByTestId("file-input").setInputFiles(path.join(dir, "people.csv"));
    await page.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 60_000 });
    await page.goto(`${baseUrl}/datasets`);
    await page.getByRole("link", { name: "people" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Version 1 failed" });
    await alert.waitFor({ timeout: 60_000 });
    await expect(alert.textContent()).resolves.toMatch(/not UTF-8 text: line 3, byte 6 holds 0xE9.*encoding/);
    await expect(alert.textContent()).resolves.not.toMatch(/skip/);
    await form().getByLabel("Encoding").waitFor();
    await shoot("failed");
  });

  it("re-ingests with the encoding chosen from the keyboard and becomes READY", async () => {
    await form().getByLabel("Encoding").focus();
    await page.keyboard.press("ArrowDown"); // UTF-8
    await page.keyboard.press("ArrowDown"); // UTF-16 LE
    await form().getByLabel("Encoding").selectOption("windows-1252");
    await form().getByRole("button", { name: "Re-ingest as a new version" }).click();
    await version(2).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
    await page.getByText("Müller").first().waitFor();
    await shoot("ready");
  });

  it("keeps the form for a failed append, and the larger line size read there makes it READY", async () => {
    await page.getByTestId("append-input").setInputFiles(path.join(dir, "more people.csv"));
    const alert = page.getByRole("alert").filter({ hasText: "Version 3 failed" });
    await alert.waitFor({ timeout: 90_000 });
    await expect(alert.textContent()).resolves.toMatch(/line 2 is 3,000,002 bytes long.*"Maximum line size".* 4 MiB/);
    await expect(form().getByLabel("Encoding").inputValue()).resolves.toBe("windows-1252");
    await shoot("append-failed");
    await form().getByLabel("Maximum line size (MiB)").fill("4");
    await form().getByRole("button", { name: "Re-ingest as a new version" }).click();
    await version(4).getByTestId("status").filter({ hasText: "ready" }).waitFor({ timeout: 90_000 });
    await expect(version(4).textContent()).resolves.toContain("appends to v2");
  });
});
