// A PostgreSQL of its own for fault tests, in a process of its own so a test
// can kill the postmaster and start it again on the same directory and port:
// `node --import tsx test/postgres-child.ts <dir> <port> [--create <db>]`
// prints the admin URL as one JSON line once the server accepts connections
// (with --create, once that database exists with the migrations applied).
import pg from "pg";
import { migrateDeploy } from "../prisma/migrate";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";

const [dir, port, flag, name] = process.argv.slice(2);
if (!dir || !port) throw new Error("usage: postgres-child.ts <dir> <port> [--create <db>]");
// Not throwaway: the tests kill -9 this server and count on every committed row
// (synchronous_commit=off would lose the last ones, as a real crash must not).
const db = await startEmbeddedPostgres({ dir, port: Number(port), persistent: true });
if (flag === "--create" && name) {
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(db.adminUrl);
  u.pathname = `/${name}`;
  await migrateDeploy(u.toString());
}
process.stdout.write(`${JSON.stringify({ adminUrl: db.adminUrl })}\n`);
// Keep running until told to stop; the embedded server stops with this process.
setInterval(() => undefined, 1 << 30);
