// One command from a fresh clone to a running product:
//   pnpm start         production build of web + worker (builds once)
//   pnpm dev           next dev + worker with reload
// With DATABASE_URL unset it runs an embedded PostgreSQL under DATA_DIR/pg.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parseConfig } from "@scrollintel/core/config";
import { createDb } from "@scrollintel/core/db/client";
import { migrateDeploy } from "../prisma/migrate";
import { printDemoLogins, seedDemo } from "../prisma/seed";
import { startEmbeddedPostgres, type EmbeddedDb } from "./embedded-postgres";
import { WEB_PROCESS_ENV } from "./product-servers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  const exists = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (!exists.rowCount) await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function secretFile(dataDir: string): string {
  const f = path.join(dataDir, ".nextauth-secret");
  if (!fs.existsSync(f)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(f, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return fs.readFileSync(f, "utf8").trim();
}

/** The checked-out commit (plus a marker when the tree has local edits), so a stale build is rebuilt. */
function sourceRevision(): string | null {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return null;
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "apps", "packages"], { cwd: root, encoding: "utf8" });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? `+${Date.now()}` : ""}`;
}

function readIf(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : null;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { cwd, env, stdio: "inherit" });
}

async function main() {
  const config = parseConfig(process.env);
  let embedded: EmbeddedDb | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    say(`Starting embedded PostgreSQL in ${path.join(config.dataDir, "pg")} …`);
    embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, "pg"), port: 54329, persistent: true });
    databaseUrl = await ensureDatabase(embedded.adminUrl, "scrollintel");
  }
  say("Applying migrations …");
  await migrateDeploy(databaseUrl);
  const db = createDb(databaseUrl);
  await seedDemo(db);
  await db.$disconnect();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: config.dataDir,
    NEXTAUTH_SECRET: config.NEXTAUTH_SECRET ?? secretFile(config.dataDir),
    NEXTAUTH_URL: config.NEXTAUTH_URL ?? `http://localhost:${config.WEB_PORT}`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const web = path.join(root, "apps/web");
  const nextBin = path.join(web, "node_modules/.bin/next");
  const stamp = path.join(web, ".next/scrollintel-build-rev");
  const rev = sourceRevision();
  const built = fs.existsSync(path.join(web, ".next/BUILD_ID")) && (!rev || readIf(stamp) === rev);
  if (!dev && !built) {
    say("Building the web app (first start, or the code changed) …");
    await new Promise<void>((resolve, reject) =>
      run(nextBin, ["build"], web, { ...env, NODE_ENV: "production" }).on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`next build failed (${code})`)),
      ),
    );
    if (rev) fs.writeFileSync(stamp, rev);
  }
  const children = [
    run(nextBin, [dev ? "dev" : "start", "-p", String(config.WEB_PORT)], web, { ...env, ...WEB_PROCESS_ENV }),
    run(
      path.join(root, "node_modules/.bin/tsx"),
      [...(dev ? ["watch"] : []), "src/main.ts"],
      path.join(root, "apps/worker"),
      env,
    ),
  ];
  say("");
  say(`ScrollIntel is starting at ${env.NEXTAUTH_URL}`);
  printDemoLogins(say);
  say("Press Ctrl+C to stop.");

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on("exit", r)))));
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  for (const c of children) c.on("exit", (code) => void stop(code ?? 1));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
