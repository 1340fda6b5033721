// A PostgreSQL of its own for fault tests, in a process of its own so a test
// can kill the postmaster and start it again on the same directory and port:
// `node --import tsx test/postgres-child.ts <dir> <port>` prints the admin URL
// as one JSON line once the server accepts connections.
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";

const [dir, port] = process.argv.slice(2);
if (!dir || !port) throw new Error("usage: postgres-child.ts <dir> <port>");
const db = await startEmbeddedPostgres({ dir, port: Number(port), persistent: true, throwaway: true });
process.stdout.write(`${JSON.stringify({ adminUrl: db.adminUrl })}\n`);
// Keep running until told to stop; the embedded server stops with this process.
setInterval(() => undefined, 1 << 30);
