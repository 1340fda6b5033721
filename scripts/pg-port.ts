// The embedded PostgreSQL's port: a free one, remembered in DATA_DIR so the
// database keeps its address across restarts (psql, a DATABASE_URL written
// down), and changed only when something else has taken it meanwhile.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort } from "./free-port";

export const PORT_FILE = "pg.port";
/** The port `pnpm start` used before ports were chosen; still preferred on a first start when free. */
const PREFERRED_PORT = 54329;

/** Whether nothing listens on `port` on loopback. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The remembered port when it is still free, else a free one (remembered from now on). */
export async function pickPostgresPort(dataDir: string): Promise<{ port: number; previous: number | null }> {
  const file = path.join(dataDir, PORT_FILE);
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
  const previous = /^\d+$/.test(text) ? Number(text) : null;
  let port = previous;
  if (port === null || !(await isPortFree(port)))
    port = previous === null && (await isPortFree(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${port}\n`);
  return { port, previous };
}
