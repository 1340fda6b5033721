// A production start has no known credentials: the web refuses a missing,
// published or short NEXTAUTH_SECRET with a sentence saying so, and the first
// platform admin comes from BOOTSTRAP_ADMIN_EMAIL through a one-time setup
// link printed in the log (used here in Chromium, then dead).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../../../test/browser";
import "../../../test/provided-context";
import { startWebServer, type WebServer } from "../../../test/web-server";

const web = path.resolve(import.meta.dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-prod-start-"));
const dbName = `si_t_prodstart_${randomBytes(4).toString("hex")}`;
let databaseUrl = "";
let browser: Browser;
let server: WebServer | undefined;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: inject("adminUrl") });
  await c.connect();
  await c.query(sql);
  await c.end();
}

beforeAll(async () => {
  await admin(`CREATE DATABASE "${dbName}" TEMPLATE "${inject("templateDb")}"`);
  const u = new URL(inject("adminUrl"));
  u.pathname = `/${dbName}`;
  databaseUrl = u.toString();
  browser = await launchBrowser();
});
afterAll(async () => {
  await server?.kill();
  await browser?.close();
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `next start` in production with this secret; resolves with its exit code and output once it exits. */
function startExpectingExit(secret: string | undefined): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, DATA_DIR: tmp };
  delete env.NEXTAUTH_SECRET;
  if (secret !== undefined) env.NEXTAUTH_SECRET = secret;
  const p = spawn(path.join(web, "node_modules/.bin/next"), ["start", "-p", "0", "-H", "127.0.0.1"], { cwd: web, env });
  let output = "";
  p.stdout.on("data", (d: Buffer) => (output += d.toString()));
  p.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe("production start", () => {
  it.each([
    [undefined, /NEXTAUTH_SECRET is not set/],
    ["change-me-to-32-random-characters!!", /NEXTAUTH_SECRET is a published default/],
    ["too-short-secret", /NEXTAUTH_SECRET is too short \(16 characters\)/],
  ])("refuses NEXTAUTH_SECRET=%j with a sentence saying so", async (secret, message) => {
    const { code, output } = await startExpectingExit(secret);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).toMatch(/The web server will not start\./);
  });

  it("creates the first platform admin from BOOTSTRAP_ADMIN_EMAIL through a one-time link in the log", async () => {
    const logFile = path.join(tmp, "web.log");
    server = await startWebServer(
      { DATABASE_URL: databaseUrl, DATA_DIR: tmp, BOOTSTRAP_ADMIN_EMAIL: "ops@example.test", LOG_LEVEL: "info" },
      logFile,
    );
    let link = "";
    await expect
      .poll(() => (link = /https?:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/.exec(fs.readFileSync(logFile, "utf8"))?.[0] ?? ""))
      .not.toBe("");
    const url = `${server.baseUrl}${new URL(link).pathname}`;
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await page.goto(url);
    expect(await page.getByLabel("Email").inputValue()).toBe("ops@example.test");
    await page.getByLabel("Name").fill("Olive Ops");
    await page.getByLabel("Password (at least 12 characters)").fill("a-long-password-1");
    await page.getByLabel("Password again").fill("a-long-password-1");
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: `test-results/setup-link-${w}.png` });
    }
    // Two different passwords are refused before anything is sent.
    await page.getByLabel("Password again").fill("a-long-password-2");
    await page.getByRole("button", { name: "Create platform admin" }).click();
    await page.getByText("The two passwords differ.").waitFor();
    await page.getByLabel("Password again").fill("a-long-password-1");
    await page.getByRole("button", { name: "Create platform admin" }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByLabel("Email").fill("ops@example.test");
    await page.getByLabel("Password").fill("a-long-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin$/).catch(async (e: unknown) => {
      await page.screenshot({ path: "test-results/setup-signin-failed.png" });
      throw new Error(`${String(e)}\n${page.url()}\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
    });

    await page.goto(url);
    await page.getByText("This link does not work").waitFor();
    const again = await fetch(`${server.baseUrl}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: url.split("/").pop(), name: "Eve", password: "another-long-one" }),
    });
    expect(again.status).toBe(404);
    await page.context().close();
  });
});
