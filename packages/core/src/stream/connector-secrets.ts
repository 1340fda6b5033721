import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Config } from "../config";

/**
 * Connector credentials at rest: AES-256-GCM with a key derived from
 * CONNECTOR_SECRET_KEY (or NEXTAUTH_SECRET), stored as v1.<iv>.<tag>.<data>
 * (base64url). A wrong key or a changed ciphertext fails to decrypt.
 */
function keyOf(config: Pick<Config, "CONNECTOR_SECRET_KEY" | "NEXTAUTH_SECRET" | "NODE_ENV">): Buffer {
  const material = config.CONNECTOR_SECRET_KEY ?? config.NEXTAUTH_SECRET;
  if (!material && config.NODE_ENV === "production") {
    throw new Error(
      "Invalid configuration:\n  CONNECTOR_SECRET_KEY: required in production to store connector credentials",
    );
  }
  return createHash("sha256")
    .update(`scrollintel-connector:${material ?? "development-only-key"}`)
    .digest();
}

export function encryptSecret(plain: string, config: Parameters<typeof keyOf>[0]): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", keyOf(config), iv);
  const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["v1", iv, c.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(stored: string, config: Parameters<typeof keyOf>[0]): string {
  const [v, iv, tag, data] = stored.split(".");
  if (v !== "v1" || !iv || !tag || data === undefined) throw new Error("unknown connector secret format");
  const d = createDecipheriv("aes-256-gcm", keyOf(config), Buffer.from(iv, "base64url"));
  d.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([d.update(Buffer.from(data, "base64url")), d.final()]).toString("utf8");
}
