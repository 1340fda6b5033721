import net from "node:net";
import { describe, expect, it } from "vitest";
import { chooseAppPorts } from "./app-ports";
import { freePort } from "./free-port";

async function occupy(): Promise<{ port: number; close(): void }> {
  const port = await freePort();
  const s = net.createServer().listen(port, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  return { port, close: () => s.close() };
}

describe("web and worker ports for pnpm start", () => {
  it("swaps a taken default port for a free one and says so", async () => {
    const taken = await occupy();
    const said: string[] = [];
    try {
      const free = await freePort();
      const ports = await chooseAppPorts({
        webPort: taken.port,
        workerHealthPort: free,
        env: {},
        say: (l) => said.push(l),
      });
      expect(ports.webPort).not.toBe(taken.port);
      expect(ports.workerHealthPort).toBe(free);
      expect(said).toEqual([
        `Port ${taken.port} (the default WEB_PORT) is in use, perhaps by another checkout; using ${ports.webPort} instead.`,
      ]);
    } finally {
      taken.close();
    }
  });

  it("never swaps a port the user set: it says which one is taken", async () => {
    const taken = await occupy();
    try {
      await expect(
        chooseAppPorts({
          webPort: await freePort(),
          workerHealthPort: taken.port,
          env: { WORKER_HEALTH_PORT: String(taken.port) },
          say: () => {},
        }),
      ).rejects.toThrow(`WORKER_HEALTH_PORT=${taken.port} is already in use by another program`);
    } finally {
      taken.close();
    }
  });
});
