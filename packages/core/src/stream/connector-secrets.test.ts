import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./connector-secrets";

const cfg = { CONNECTOR_SECRET_KEY: "k".repeat(32), NEXTAUTH_SECRET: undefined, NODE_ENV: "test" as const };

describe("connector secrets", () => {
  it("round-trips, never stores the plain text, and uses a fresh IV each time", () => {
    const a = encryptSecret('{"token":"s3cret"}', cfg);
    const b = encryptSecret('{"token":"s3cret"}', cfg);
    expect(a).not.toContain("s3cret");
    expect(a).not.toBe(b);
    expect(decryptSecret(a, cfg)).toBe('{"token":"s3cret"}');
  });

  it("refuses another key and a changed ciphertext", () => {
    const a = encryptSecret("x", cfg);
    expect(() => decryptSecret(a, { ...cfg, CONNECTOR_SECRET_KEY: "z".repeat(32) })).toThrow();
    const parts = a.split(".");
    parts[3] = Buffer.from("y").toString("base64url");
    expect(() => decryptSecret(parts.join("."), cfg)).toThrow();
  });

  it("needs a key in production", () => {
    expect(() =>
      encryptSecret("x", { CONNECTOR_SECRET_KEY: undefined, NEXTAUTH_SECRET: undefined, NODE_ENV: "production" }),
    ).toThrow(/CONNECTOR_SECRET_KEY/);
  });
});
