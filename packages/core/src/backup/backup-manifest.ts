import { z } from "zod";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "scrollintel-backup";

const ZSha = z.string().regex(/^[0-9a-f]{64}$/);
// Keys come from core/keys; a manifest naming anything else (.., absolute paths) is refused.
const ZKey = z
  .string()
  .regex(/^tenants\/[a-z0-9]{8,40}\/[A-Za-z0-9._/-]+$/)
  .refine((k) => !k.includes(".."));

export const ZDumpedTable = z.object({
  schema: z.string(),
  table: z.string(),
  columns: z.array(z.string()),
  rows: z.number().int().nonnegative(),
  /** Gzipped COPY text, relative to the backup directory. */
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: ZSha,
});
export type DumpedTable = z.infer<typeof ZDumpedTable>;

export const ZDatabaseDump = z.object({
  serverVersion: z.string(),
  /** Prisma migrations the dumped database had: restore rebuilds the schema with the same ones. */
  migrations: z.array(z.string()),
  tables: z.array(ZDumpedTable),
  sequences: z.array(z.object({ schema: z.string(), name: z.string(), lastValue: z.string().nullable() })),
  /** The audit log's monthly partitions (name and bound), recreated before its rows are loaded. */
  auditPartitions: z.array(z.object({ name: z.string(), bound: z.string() })),
});
export type DatabaseDump = z.infer<typeof ZDatabaseDump>;

export const ZBackupObject = z.object({
  key: ZKey,
  size: z.number().int().nonnegative(),
  sha256: ZSha,
  /** S3 with bucket versioning: the version read and hashed (the bytes stay in the bucket). */
  versionId: z.string().optional(),
  /** Copy mode: the object's bytes under objects/<key> in the backup. */
  copied: z.boolean(),
});
export type BackupObject = z.infer<typeof ZBackupObject>;

export const ZBackupManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  storage: z.object({
    driver: z.enum(["local", "s3"]),
    /** "copy": objects are in the backup; "s3-versions": the manifest names versions in `bucket`. */
    mode: z.enum(["copy", "s3-versions"]),
    bucket: z.string().optional(),
  }),
  database: ZDatabaseDump,
  /** Every object the dump references: what restore brings back. */
  objects: z.array(ZBackupObject),
  /** Objects present in storage that the dump does not reference (uploads in flight, orphans): listed, not restored. */
  unreferenced: z.array(z.object({ key: z.string(), size: z.number().int().nonnegative(), sha256: ZSha })),
  /** Keys the dump references that storage did not hold. */
  missing: z.array(z.object({ key: z.string(), reason: z.string() })),
});
export type BackupManifest = z.infer<typeof ZBackupManifest>;
