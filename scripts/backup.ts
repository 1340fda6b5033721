// pnpm backup [dir] [--copy-objects]: a consistent backup of this instance
// (see docs/backup-and-restore.md). Without dir: a new directory in BACKUP_DIR.
import path from "node:path";
import { parseArgs } from "node:util";
import { runBackup } from "@scrollintel/core/backup/run-backup";
import { parseConfig } from "@scrollintel/core/config";
import { createLogger } from "@scrollintel/core/logger";
import { openInstance } from "./backup-instance";
import { formatError } from "./format-error";

const say = (line: string) => process.stdout.write(`${line}\n`);

function backupDir(given: string | undefined, backupRoot: string | undefined): string {
  if (given) return path.resolve(given);
  if (!backupRoot) throw new Error("name a directory (pnpm backup <dir>) or set BACKUP_DIR");
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return path.resolve(backupRoot, `scrollintel-${stamp}`);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "copy-objects": { type: "boolean" } },
  });
  const config = parseConfig(process.env);
  const dir = backupDir(positionals[0], config.BACKUP_DIR);
  const log = createLogger({ name: "backup", level: config.LOG_LEVEL });
  const instance = await openInstance(config);
  try {
    const t0 = performance.now();
    const { manifest, bytesRead } = await runBackup({
      databaseUrl: instance.databaseUrl,
      storage: instance.storage,
      dir,
      log,
      copyObjects: values["copy-objects"],
    });
    const s = (performance.now() - t0) / 1000;
    say(
      `Backup written to ${dir}: ${manifest.database.tables.length} tables, ${manifest.objects.length} objects ` +
        `(${manifest.storage.mode}), ${(bytesRead / 1e6).toFixed(1)} MB in ${s.toFixed(1)} s` +
        (manifest.missing.length
          ? `; ${manifest.missing.length} objects the database names were MISSING (see the manifest)`
          : ""),
    );
    if (manifest.missing.length) process.exitCode = 2;
  } finally {
    await instance.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`Backup failed: ${formatError(e)}\n`);
  process.exit(1);
});
