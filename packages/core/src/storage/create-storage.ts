import path from "node:path";
import type { Config } from "../config";
import { LocalStorage } from "./local-storage";
import type { StorageDriver } from "./storage-driver";

/** The driver the configuration asks for. */
export function createStorage(config: Config): StorageDriver {
  if (config.STORAGE_DRIVER === "s3") throw new Error("STORAGE_DRIVER=s3 is not available yet");
  return new LocalStorage(localStorageRoot(config));
}

export function localStorageRoot(config: Config): string {
  return path.join(config.dataDir, "storage");
}
