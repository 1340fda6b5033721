import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { registerPool } from "./sql";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * One client per process (the web keeps it on globalThis across hot reloads).
 * Its pool also serves the plain-SQL hot paths of db/sql.ts.
 */
export function createDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerPool(client, pool);
  return client;
}

export { Prisma } from "./generated/client";
export type { Role, DatasetStatus, JobStatus, UploadStatus, TenantStatus } from "./generated/enums";
