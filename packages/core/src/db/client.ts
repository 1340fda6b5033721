import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** One client per process (the web keeps it on globalThis across hot reloads). */
export function createDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.max ?? 10 });
  return new PrismaClient({ adapter });
}

export { Prisma } from "./generated/client";
export type { Role, DatasetStatus, JobStatus, UploadStatus, TenantStatus } from "./generated/enums";
