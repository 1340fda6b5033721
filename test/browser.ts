import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium, headless, with the flags this offline machine needs. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: ARGS });
}

export function launchPersistent(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ARGS,
  });
}

export interface PersistentPage {
  /** The profile's temp directory, also a place for the files a test uploads. */
  dir: string;
  context: BrowserContext;
  page: Page;
  /** Closes Chromium and removes the directory. */
  close(): Promise<void>;
}

/** A persistent Chromium (its own temp profile, so localStorage and cookies live as in a real tab) and its first page. */
export async function openPersistentPage(): Promise<PersistentPage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-chromium-"));
  const context = await launchPersistent(dir);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    dir,
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
