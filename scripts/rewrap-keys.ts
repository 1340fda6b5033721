// pnpm keys:rewrap: after a master key rotation (STORAGE_MASTER_KEY is the new key,
// STORAGE_MASTER_KEY_PREVIOUS lists the old ones), wraps every tenant data key under
// the new master key. Objects are not touched. See docs/architecture.md, "Encryption at rest".
import { parseConfig } from "@scrollintel/core/config";
import { masterKeyWrappers } from "@scrollintel/core/crypto/master-keys";
import { rewrapDataKeys } from "@scrollintel/core/crypto/tenant-keyring";
import { createDb } from "@scrollintel/core/db/client";
import { openInstance } from "./backup-instance";
import { formatError } from "./format-error";

async function main() {
  const config = parseConfig(process.env);
  const { current, previous } = masterKeyWrappers(config);
  const instance = await openInstance(config);
  const db = createDb(instance.databaseUrl);
  try {
    const n = await rewrapDataKeys(db, current, previous);
    process.stdout.write(
      `rewrapped ${n} data key(s) under ${current.id}; STORAGE_MASTER_KEY_PREVIOUS may now be removed\n`,
    );
  } finally {
    await db.$disconnect();
    await instance.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${formatError(e)}\n`);
    process.exit(1);
  },
);
