import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./free-port";
import { isPortFree, pickPostgresPort, PORT_FILE } from "./pg-port";

describe("the embedded PostgreSQL's port", () => {
  it("is remembered in DATA_DIR, and replaced (and remembered) when something else took it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-port-"));
    try {
      const remembered = await freePort();
      fs.writeFileSync(path.join(dir, PORT_FILE), `${remembered}\n`);
      expect(await pickPostgresPort(dir)).toEqual({ port: remembered, previous: remembered });

      const blocker = net.createServer().listen(remembered, "127.0.0.1");
      await new Promise((r) => blocker.once("listening", r));
      try {
        expect(await isPortFree(remembered)).toBe(false);
        const moved = await pickPostgresPort(dir);
        expect(moved.previous).toBe(remembered);
        expect(moved.port).not.toBe(remembered);
        expect(await isPortFree(moved.port)).toBe(true);
        expect(fs.readFileSync(path.join(dir, PORT_FILE), "utf8").trim()).toBe(String(moved.port));
      } finally {
        blocker.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
