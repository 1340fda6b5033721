// The production-shaped stack starts with no known credentials: no demo seed,
// no session secret written in the file (compose refuses to start without one).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const compose = fs.readFileSync(path.resolve(import.meta.dirname, "../docker-compose.yml"), "utf8");
const lines = compose.split("\n").filter((l) => !l.trim().startsWith("#"));

describe("docker-compose.yml", () => {
  it("never runs the demo seed", () => {
    expect(lines.join("\n")).not.toMatch(/db:seed|seed\.ts/);
  });

  it("takes NEXTAUTH_SECRET from the environment and refuses to start without it", () => {
    const secret = lines.filter((l) => /^\s*NEXTAUTH_SECRET:/.test(l));
    expect(secret).toHaveLength(1);
    expect(secret[0]).toMatch(/NEXTAUTH_SECRET:\s*\$\{NEXTAUTH_SECRET:\?[^}]+\}\s*$/);
  });

  it("passes BOOTSTRAP_ADMIN_EMAIL through for the first platform admin", () => {
    expect(lines.join("\n")).toMatch(/BOOTSTRAP_ADMIN_EMAIL:\s*\$\{BOOTSTRAP_ADMIN_EMAIL:-\}/);
  });

  it("writes no password, secret or key in the file: each comes from the environment, required", () => {
    const secrets = lines.filter((l) => /^\s*[A-Z_]*(PASSWORD|SECRET|MASTER_KEY|TOKEN)[A-Z_]*:/.test(l));
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const l of secrets) expect(l, l.trim()).toMatch(/:\s*\$\{[A-Z0-9_]+:\?[^}]+\}\s*$/);
    // Nor in a command line (the bucket set-up reads it from its environment).
    expect(compose).not.toMatch(/scrollintel-secret/);
    // Nor inside a connection URL.
    for (const l of lines.filter((x) => /:\/\/[^/\s]*:[^@\s]*@/.test(x)))
      expect(l, l.trim()).toMatch(/:\$\{[A-Z0-9_]+:\?/);
  });
});
