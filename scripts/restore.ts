// pnpm restore <dir> [--verify]: brings a backup back into an empty DATA_DIR
// (embedded default) or an empty database and bucket (DATABASE_URL + storage
// settings). --verify only checks the backup's files against the manifest.
import path from "node:path";
import { parseArgs } from "node:util";
import { verifyCopiedObjects } from "@scrollintel/core/backup/restore-objects";
import { readManifest, runRestore } from "@scrollintel/core/backup/run-restore";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import { createVersionSource } from "@scrollintel/core/backup/s3-versions";
import { migrateDeploy } from "../prisma/migrate";
import { openEmptyInstance } from "./backup-instance";
import { formatError } from "./format-error";

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { verify: { type: "boolean" } } });
  if (!positionals[0]) throw new Error("usage: pnpm restore <backup dir> [--verify]");
  const dir = path.resolve(positionals[0]);
  const config = parseConfig(process.env);
  if (values.verify) {
    await verifyCopiedObjects(dir, readManifest(dir));
    return say(`${dir}: every copied object matches its SHA-256`);
  }
  const manifest = readManifest(dir);
  const versionSource =
    manifest.storage.mode === "s3-versions" ? createVersionSource(config, manifest.storage.bucket) : undefined;
  const instance = await openEmptyInstance(config);
  try {
    const t0 = performance.now();
    const r = await runRestore({
      dir,
      databaseUrl: instance.databaseUrl,
      target: instance.storage,
      migrate: migrateDeploy,
      versionSource,
      log: createLogger({ name: "restore", level: config.LOG_LEVEL }),
    });
    const s = (performance.now() - t0) / 1000;
    say(
      `Restored ${dir}: ${r.manifest.objects.length} objects (${(r.bytes / 1e6).toFixed(1)} MB) in ${s.toFixed(1)} s`,
    );
  } finally {
    await instance.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`Restore failed: ${formatError(e)}\n`);
  process.exit(1);
});
