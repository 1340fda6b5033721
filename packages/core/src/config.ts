import path from "node:path";
import { z } from "zod";

const ZBytes = z.coerce.number().int().positive();

/** Every setting of both apps, validated once at boot. Unset DATABASE_URL means "embedded PostgreSQL". */
export const ZConfig = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Where `pnpm backup` puts a new backup (a timestamped directory) when not given one. */
  BACKUP_DIR: z.string().min(1).optional(),
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_BUCKET: z.string().default("scrollintel"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.stringbool().default(true),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.url().optional(),
  /**
   * Reverse proxies in front of the web that append to X-Forwarded-For. 0 (the default): the header
   * is the client's to forge and is ignored; the audit log records the socket address.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Production: the first platform admin's e-mail; the web prints a one-time setup link for it while none exists. */
  BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** The address the worker's health and metrics port binds; 0.0.0.0 lets Prometheus on another host scrape it. */
  WORKER_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * After SIGTERM or SIGINT the web finishes its requests and exits; past this it exits anyway. Node's
   * server.close() waits without end for a connection that never sent a request, and Next waits for it.
   */
  WEB_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(8_000),
  /**
   * Admission: tRPC requests the web works on at once (one waiting for a worker's result does not
   * count). Past it a request is answered 429 + Retry-After at the door instead of slowing every
   * other one down (0: no limit).
   */
  WEB_MAX_BUSY_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(20),
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
  /** Unreferenced objects younger than this are in-flight work (an upload, an ingest writing parts), never orphans. */
  RECONCILE_GRACE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** S3 storage class archived Parquet is copied to (cold tier); the class must exist on the store. */
  S3_ARCHIVE_STORAGE_CLASS: z
    .enum(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"])
    .default("GLACIER_IR"),
  /** zstd level archived Parquet is rewritten with on local disk (cold tier). */
  ARCHIVE_ZSTD_LEVEL: z.coerce.number().int().min(1).max(22).default(19),
  /**
   * Client-side encryption of every stored object with per-tenant keys (docs/architecture.md,
   * "Encryption at rest"). Off unless set: web and worker must agree, and a deployment turns it
   * on with its master key (docker-compose.yml does); tests and the embedded default run without.
   */
  STORAGE_ENCRYPTION: z.enum(["on", "off"]).default("off"),
  /** 32 bytes (64 hex digits or base64) wrapping the tenants' data keys; required in production. */
  STORAGE_MASTER_KEY: z.string().optional(),
  /** Earlier master keys, comma-separated, still accepted for unwrapping until `pnpm keys:rewrap` has run. */
  STORAGE_MASTER_KEY_PREVIOUS: z.string().optional(),
  /** S3 server-side encryption as a second layer, passed through on every write and copy. */
  S3_SSE: z.enum(["AES256", "aws:kms"]).optional(),
  S3_SSE_KMS_KEY_ID: z.string().optional(),
  /** Largest body one POST /api/events may carry, as sent (compressed) and decoded. */
  STREAM_MAX_REQUEST_BYTES: ZBytes.default(10 * 1024 ** 2),
  /** Backpressure: producers get 429 while a dataset's uncompacted segments pass this many bytes… */
  STREAM_MAX_LAG_BYTES: ZBytes.default(1024 ** 3),
  /**
   * …or its oldest uncompacted segment is older than this. Queries read uncompacted segments again each time, so
   * this bounds how long an acknowledged batch takes to show: bench:stream measured 12.8 s to visible at 10 (and
   * 467k records/s), 40 s at 120 (719k records/s). Raise it for throughput, lower it for freshness.
   */
  STREAM_MAX_LAG_SECONDS: ZBytes.default(10),
  /** Compaction folds segments once they reach this many bytes or the oldest is this old. */
  STREAM_COMPACT_BYTES: ZBytes.default(128 * 1024 ** 2),
  STREAM_COMPACT_AGE_MS: ZBytes.default(2000),
  /** Once a stream has this many parts, the worker merges the oldest small ones into one. */
  STREAM_MERGE_PARTS: ZBytes.default(16),
  /** Encrypts connector credentials at rest (AES-256-GCM); falls back to NEXTAUTH_SECRET. */
  CONNECTOR_SECRET_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  /** Bearer token for /api/metrics (web) and /metrics (worker); unset, both endpoints refuse. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Where the web's System page reads the workers' metrics (with METRICS_TOKEN): URLs, comma-separated. */
  WORKER_METRICS_URL: z
    .string()
    .regex(/^https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*$/, "one or more http(s) URLs, comma-separated")
    .optional(),
  /** OpenTelemetry (standard names): traces are off unless an OTLP exporter is asked for. */
  OTEL_SDK_DISABLED: z.stringbool().default(false),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  DEFAULT_STORAGE_QUOTA_BYTES: ZBytes.default(100 * 1024 ** 3),
  DEFAULT_MAX_FILE_BYTES: ZBytes.default(1024 ** 4),
});

export type Config = z.infer<typeof ZConfig> & { dataDir: string; storageEncryption: boolean };

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
  const storageEncryption = r.data.STORAGE_ENCRYPTION === "on";
  const keyProblem = masterKeyProblem(r.data, storageEncryption);
  if (keyProblem) throw new Error(`Invalid configuration:\n  ${keyProblem}`);
  return { ...r.data, dataDir: path.resolve(r.data.DATA_DIR), storageEncryption };
}

const KEY_TEXT = /^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/;

/** A production start with encryption needs a real master key; keys given must be 32 bytes. */
function masterKeyProblem(c: z.infer<typeof ZConfig>, encryption: boolean): string | null {
  if (c.STORAGE_MASTER_KEY && !KEY_TEXT.test(c.STORAGE_MASTER_KEY.trim())) {
    return "STORAGE_MASTER_KEY: must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)";
  }
  const prev = (c.STORAGE_MASTER_KEY_PREVIOUS ?? "").split(",").filter((k) => k.trim());
  if (prev.some((k) => !KEY_TEXT.test(k.trim()))) {
    return "STORAGE_MASTER_KEY_PREVIOUS: each key must be 32 bytes as 64 hex digits or base64";
  }
  if (encryption && c.NODE_ENV === "production" && !c.STORAGE_MASTER_KEY) {
    return "STORAGE_MASTER_KEY: required in production while STORAGE_ENCRYPTION is on (openssl rand -base64 32)";
  }
  return null;
}

/** Secrets that were ever written down in this repository or its docs: never good enough for production. */
const KNOWN_SECRETS = new Set(["change-me-to-32-random-characters!!", "scrollintel-dev-secret-change-me"]);
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

/**
 * Why a production web server must not start with this NEXTAUTH_SECRET (a
 * sentence naming the variable), or null when it is fine. Anyone who knows
 * the secret can mint a session for any user.
 */
export function productionSecretProblem(secret: string | undefined): string | null {
  if (!secret)
    return "NEXTAUTH_SECRET is not set: a production server needs its own random secret (e.g. `openssl rand -hex 32`).";
  if (KNOWN_SECRETS.has(secret)) {
    return "NEXTAUTH_SECRET is a published default: set a random secret of your own (e.g. `openssl rand -hex 32`).";
  }
  if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
    return `NEXTAUTH_SECRET is too short (${secret.length} characters): use at least ${MIN_PRODUCTION_SECRET_LENGTH} random characters (e.g. \`openssl rand -hex 32\`).`;
  }
  return null;
}
