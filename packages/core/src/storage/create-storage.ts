import path from "node:path";
import type { Config } from "../config";
import { LocalStorage } from "./local-storage";
import { s3ClientConfig } from "./s3-client-config";
import { sseParams } from "./s3-sse";
import { S3Storage } from "./s3-storage";
import type { StorageDriver } from "./storage-driver";

/** The driver the configuration asks for (STORAGE_DRIVER). */
export function createStorage(config: Config): StorageDriver {
  if (config.STORAGE_DRIVER === "s3") return new S3Storage({ ...s3ClientConfig(config), sse: sseParams(config) });
  return new LocalStorage(localStorageRoot(config));
}

export function localStorageRoot(config: Config): string {
  return path.join(config.dataDir, "storage");
}
