import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import { LocalKeyWrapper, parseMasterKey, type KeyWrapper } from "./key-wrapper";

/** Where development and tests keep a generated master key when none is configured. */
export function devMasterKeyFile(config: Config): string {
  return path.join(config.dataDir, "master.key");
}

/**
 * The master key outside production when STORAGE_MASTER_KEY is unset: made
 * once in DATA_DIR (owner-only), then reused, so a restart reads its data.
 * Production never gets here: config refuses to start without a key.
 */
function devMasterKey(config: Config): Buffer {
  if (config.NODE_ENV === "production") throw new Error("STORAGE_MASTER_KEY is required in production");
  const file = devMasterKeyFile(config);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written beside, then linked into place: web and worker starting together never read half a key.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(tmp, randomBytes(32).toString("base64") + "\n", { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = parseMasterKey(fs.readFileSync(file, "utf8"));
  if (!key) throw new Error(`${file} does not hold a 32-byte master key`);
  return key;
}

/** The wrapper new data keys are wrapped with, and those of earlier master keys (for unwrapping and rewrap). */
export function masterKeyWrappers(config: Config): { current: KeyWrapper; previous: KeyWrapper[] } {
  const current = config.STORAGE_MASTER_KEY ? parseMasterKey(config.STORAGE_MASTER_KEY) : devMasterKey(config);
  if (!current) throw new Error("STORAGE_MASTER_KEY: must be 32 bytes as 64 hex digits or base64");
  const previous = (config.STORAGE_MASTER_KEY_PREVIOUS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => {
      const b = parseMasterKey(k);
      if (!b) throw new Error("STORAGE_MASTER_KEY_PREVIOUS: each key must be 32 bytes");
      return new LocalKeyWrapper(b);
    });
  return { current: new LocalKeyWrapper(current), previous };
}
