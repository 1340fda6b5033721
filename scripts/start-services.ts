// The processes `pnpm start` supervises, as supervisor services.
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { EmbeddedDb } from "./embedded-postgres";
import { nextStartArgs, WEB_PROCESS_ENV } from "./product-servers";
import { startNodeChild } from "./supervised-child";
import type { Running, ServiceSpec } from "./supervisor";
import { webDir } from "./web-build";

const root = path.resolve(import.meta.dirname, "..");
const nextCli = path.join(webDir, "node_modules/next/dist/bin/next");

export function webService(o: { dev: boolean; port: number; env: NodeJS.ProcessEnv }): ServiceSpec {
  return {
    name: "web",
    start: () =>
      startNodeChild({
        args: [nextCli, ...(o.dev ? ["dev", "-p", String(o.port)] : nextStartArgs(o.port))],
        cwd: webDir,
        env: { ...o.env, ...WEB_PROCESS_ENV },
      }),
  };
}

export function workerService(o: { dev: boolean; env: NodeJS.ProcessEnv }): ServiceSpec {
  // `node --import tsx` rather than the tsx CLI: one process, so its pid is the worker's own.
  const args = o.dev
    ? [fileURLToPath(import.meta.resolve("tsx/cli")), "watch", "src/main.ts"]
    : ["--import", import.meta.resolve("tsx"), "src/main.ts"];
  return { name: "worker", start: () => startNodeChild({ args, cwd: path.join(root, "apps/worker"), env: o.env }) };
}

/** The embedded server, already started once; later starts bring it back on the same port and files. */
export function postgresService(db: EmbeddedDb): ServiceSpec {
  let first = true;
  const running = (): Running => ({
    pid: db.pid(),
    exited: db.exited(),
    stop: () => db.stop(),
  });
  return {
    name: "postgres",
    async start() {
      if (!first) await db.restart();
      first = false;
      return running();
    },
  };
}
