// A stop signal ends the web within WEB_SHUTDOWN_GRACE_MS even while a client
// holds a connection open without sending a request. Next exits once every
// connection has ended, and Node's server.close() leaves such a connection
// (its header timeout stops with the server): a bench's web waited on one for
// over an hour after SIGTERM.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { startWebServer, type WebServer } from "../../../test/web-server";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-web-shutdown-"));
let server: WebServer | undefined;
let idle: net.Socket | undefined;

afterAll(async () => {
  idle?.destroy();
  await server?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("web shutdown", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "exits after %s within the grace while a connection that sent nothing stays open",
    async (signal, exitCode) => {
      const logFile = path.join(tmp, `web-${signal}.log`);
      server = await startWebServer(
        { DATABASE_URL: inject("e2eDatabaseUrl"), DATA_DIR: tmp, WEB_SHUTDOWN_GRACE_MS: "1000" },
        logFile,
      );
      const { port } = new URL(server.baseUrl);
      const socket = net.connect(Number(port), "127.0.0.1");
      idle?.destroy();
      idle = socket;
      await new Promise<void>((ok, fail) => socket.once("connect", ok).once("error", fail));
      // The server is serving: a request on another connection is answered.
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);

      const exited = server.exited();
      process.kill(server.pid(), signal);
      // Without the bound this never settles; 30 s leaves a loaded machine room over the 1 s grace.
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 30_000))]);
      expect(code).toBe(exitCode);
      expect(fs.readFileSync(logFile, "utf8")).toContain(`web: still stopping 1000 ms after ${signal}; exiting`);
      expect(socket.destroyed || socket.readableEnded || (await closedSoon(socket))).toBe(true);
    },
  );
});

/** Whether the socket closes within a moment (the server's exit closes its end). */
function closedSoon(socket: net.Socket): Promise<boolean> {
  return new Promise((r) => {
    socket.once("close", () => r(true));
    setTimeout(() => r(socket.destroyed), 5_000);
  });
}
