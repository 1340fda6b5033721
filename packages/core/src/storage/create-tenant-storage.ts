import type { Config } from "../config";
import type { Db } from "../db/client";
import { masterKeyWrappers } from "../crypto/master-keys";
import { TenantKeyring } from "../crypto/tenant-keyring";
import { createStorage } from "./create-storage";
import { EncryptedStorage } from "./encrypted-storage";
import type { StorageDriver } from "./storage-driver";

/**
 * The driver the apps read and write tenant data through: the configured
 * driver, encrypting with per-tenant keys when STORAGE_ENCRYPTION is on.
 * Backups use `createStorage` (stored bytes as they are) instead.
 */
export function createTenantStorage(config: Config, db: Db): StorageDriver {
  const raw = createStorage(config);
  if (!config.storageEncryption) return raw;
  const { current, previous } = masterKeyWrappers(config);
  return new EncryptedStorage(raw, new TenantKeyring(db, current, previous));
}
