import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// embedded-postgres's exit hook calls process.exit(0) on 'beforeExit'. A test
// run that failed must still exit non-zero with it loaded.
describe("process exit code with embedded PostgreSQL loaded", () => {
  it("keeps a failing exit code", () => {
    const tsx = path.resolve(import.meta.dirname, "../node_modules/.bin/tsx");
    const r = spawnSync(
      tsx,
      ["-e", 'import("./scripts/embedded-postgres.ts").then(() => { process.exitCode = 3; });'],
      {
        cwd: path.resolve(import.meta.dirname, ".."),
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(3);
  });
});
