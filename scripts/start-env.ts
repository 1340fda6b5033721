// What web and worker get from the start script besides the user's own env.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/** Creates database `name` on the server of `adminUrl` if missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const exists = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!exists.rowCount) await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A session secret generated once into DATA_DIR, so sign-ins survive restarts. */
export function readOrCreateSecret(dataDir: string): string {
  const f = path.join(dataDir, ".nextauth-secret");
  if (!fs.existsSync(f)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(f, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return fs.readFileSync(f, "utf8").trim();
}
