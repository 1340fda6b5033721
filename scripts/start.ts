// One command from a fresh clone to a running product:
//   pnpm start              production build of web + worker (builds when the code changed)
//   pnpm start --no-build   use the existing web build as it is
//   pnpm dev                next dev + worker with reload
// With DATABASE_URL unset it runs an embedded PostgreSQL under DATA_DIR/pg.
// Web, worker and the embedded database are supervised (restarted with backoff
// when they exit); Ctrl+C or SIGTERM stops them, the database last.
import path from "node:path";
// The start script, too, stops (in order) when whatever started it goes away: `sh -c` under pnpm
// does not pass a SIGTERM on, and a start script left behind would keep everything running.
import "./exit-with-parent.cjs";
import { parseArgs } from "node:util";
import { parseConfig } from "@scrollintel/core/config";
import { createDb } from "@scrollintel/core/db/client";
import { migrateDeploy } from "../prisma/migrate";
import { printDemoLogins, seedDemo } from "../prisma/seed";
import { chooseAppPorts } from "./app-ports";
import { DataDirBusyError, lockDataDir } from "./data-dir-lock";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { formatError, runStep } from "./format-error";
import { pickPostgresPort } from "./pg-port";
import { removeRunFile, writeRunFile } from "./run-file";
import { ensureDatabase, readOrCreateSecret } from "./start-env";
import { postgresService, webService, workerService } from "./start-services";
import { Supervisor } from "./supervisor";
import { ensureWebBuild } from "./web-build";

const { values: flags } = parseArgs({ options: { dev: { type: "boolean" }, "no-build": { type: "boolean" } } });
const dev = flags.dev ?? false;
const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<void> | void)[] = [];

async function main() {
  const config = await runStep("Reading the configuration", () => parseConfig(process.env));
  const lock = lockDataDir(config.dataDir);
  cleanups.push(
    () => lock.release(),
    () => removeRunFile(config.dataDir),
  );
  const ports = await runStep("Choosing the web and worker ports", () =>
    chooseAppPorts({ webPort: config.WEB_PORT, workerHealthPort: config.WORKER_HEALTH_PORT, env: process.env, say }),
  );
  let postgresPort: number | null = null;
  const supervisor = new Supervisor({
    say,
    onChange: () =>
      writeRunFile(config.dataDir, {
        pid: process.pid,
        url: env.NEXTAUTH_URL!,
        webPort: ports.webPort,
        workerHealthPort: ports.workerHealthPort,
        postgresPort,
        pids: supervisor.pids(),
      }),
  });
  cleanups.unshift(() => supervisor.stop(["postgres"]));
  let databaseUrl = config.DATABASE_URL;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: config.dataDir,
    WEB_PORT: String(ports.webPort),
    WORKER_HEALTH_PORT: String(ports.workerHealthPort),
    NEXTAUTH_URL: config.NEXTAUTH_URL ?? `http://localhost:${ports.webPort}`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (!databaseUrl) {
    const dir = path.join(config.dataDir, "pg");
    const { port, previous } = await runStep("Choosing a port for the embedded PostgreSQL", () =>
      pickPostgresPort(config.dataDir),
    );
    const moved = previous !== null && previous !== port ? ` (port ${previous} is taken now)` : "";
    say(`Starting embedded PostgreSQL on 127.0.0.1:${port}${moved}, files in ${dir} …`);
    const db = await runStep("Starting the embedded PostgreSQL", () =>
      startEmbeddedPostgres({ dir, port, persistent: true, stopLeftover: true }),
    );
    postgresPort = port;
    await supervisor.add(postgresService(db));
    databaseUrl = await runStep("Creating the scrollintel database", () => ensureDatabase(db.adminUrl, "scrollintel"));
  }
  const url = databaseUrl;
  say("Applying migrations …");
  await runStep("Applying migrations", () => migrateDeploy(url));
  await runStep("Seeding the demo tenants", async () => {
    const db = createDb(url);
    await seedDemo(db);
    await db.$disconnect();
  });
  Object.assign(env, {
    DATABASE_URL: url,
    NEXTAUTH_SECRET: config.NEXTAUTH_SECRET ?? readOrCreateSecret(config.dataDir),
  });
  if (!dev && !flags["no-build"]) await runStep("Building the web app", () => ensureWebBuild({ env, say }));
  cleanups.unshift(() => supervisor.stop(["web", "worker"]));
  await runStep("Starting the web server", () => supervisor.add(webService({ dev, port: ports.webPort, env })));
  await runStep("Starting the worker", () => supervisor.add(workerService({ dev, env })));
  say("");
  say(`ScrollIntel is starting at ${env.NEXTAUTH_URL}`);
  printDemoLogins(say);
  say("Press Ctrl+C to stop.");
}

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const c of cleanups) {
      try {
        await c();
      } catch (e) {
        process.stderr.write(`While stopping: ${formatError(e)}\n`);
      }
    }
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => {
    if (stopping) return;
    say(`\nStopping (${signal}) …`);
    void shutdown(0);
  });

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof DataDirBusyError ? e.message : formatError(e)}\n`);
  void shutdown(1);
});
