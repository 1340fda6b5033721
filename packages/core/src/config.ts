import path from "node:path";
import { z } from "zod";

const ZBytes = z.coerce.number().int().positive();

/** Every setting of both apps, validated once at boot. Unset DATABASE_URL means "embedded PostgreSQL". */
export const ZConfig = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_BUCKET: z.string().default("scrollintel"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.stringbool().default(true),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.url().optional(),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, "e.g. 512MB or 2GB")
    .default("1GB"),
  DUCKDB_THREADS: z.coerce.number().int().min(1).max(256).default(2),
  /** Local copies of Parquet the worker keeps for queries when storage is S3 (the hot tier). */
  WORKER_CACHE_BYTES: ZBytes.default(20 * 1024 ** 3),
  /** During a PostgreSQL outage, how long a worker's database call waits for the server before its job fails and is retried. */
  WORKER_DB_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  QUERY_PREVIEW_ROWS: z.coerce.number().int().min(1).max(100_000).default(1000),
  DEFAULT_STORAGE_QUOTA_BYTES: ZBytes.default(100 * 1024 ** 3),
  DEFAULT_MAX_FILE_BYTES: ZBytes.default(1024 ** 4),
});

export type Config = z.infer<typeof ZConfig> & { dataDir: string };

/** Parses env; on a bad value throws one line per variable, naming it. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = ZConfig.safeParse(clean);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  if (r.data.STORAGE_DRIVER === "s3" && !r.data.S3_ENDPOINT) {
    throw new Error("Invalid configuration:\n  S3_ENDPOINT: required when STORAGE_DRIVER=s3");
  }
  return { ...r.data, dataDir: path.resolve(r.data.DATA_DIR) };
}
