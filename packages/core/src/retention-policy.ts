import { z } from "zod";
import type { Tx } from "./db/client";

/**
 * How long a tenant keeps each kind of data. Tenant admins set these within
 * the platform's bounds; a tenant without a TenantRetention row has the defaults.
 */
export interface RetentionPolicy {
  trashDays: number;
  resultDays: number;
  uploadHours: number;
  keepVersions: number | null;
  versionDays: number | null;
  archiveAfterDays: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  trashDays: 7,
  resultDays: 7,
  uploadHours: 24,
  keepVersions: null,
  versionDays: null,
  archiveAfterDays: null,
};

/** The platform's bounds on each setting; null (where allowed) means "no limit" / "never". */
export const RETENTION_BOUNDS = {
  trashDays: { min: 1, max: 90 },
  resultDays: { min: 1, max: 365 },
  uploadHours: { min: 1, max: 24 * 30 },
  keepVersions: { min: 1, max: 1000 },
  versionDays: { min: 1, max: 3650 },
  archiveAfterDays: { min: 1, max: 3650 },
} as const;

const bounded = (k: keyof typeof RETENTION_BOUNDS) =>
  z.number().int().min(RETENTION_BOUNDS[k].min).max(RETENTION_BOUNDS[k].max);

/** A policy as an admin may set it; every field within the platform's bounds. */
export const ZRetentionPolicy = z.object({
  trashDays: bounded("trashDays"),
  resultDays: bounded("resultDays"),
  uploadHours: bounded("uploadHours"),
  keepVersions: bounded("keepVersions").nullable(),
  versionDays: bounded("versionDays").nullable(),
  archiveAfterDays: bounded("archiveAfterDays").nullable(),
});

/** The tenant's policy, or the defaults when it never set one. Runs in the caller's tenant or system tx. */
export async function readRetentionPolicy(tx: Tx, tenantId: string): Promise<RetentionPolicy> {
  const row = await tx.tenantRetention.findUnique({ where: { tenantId } });
  if (!row) return { ...DEFAULT_RETENTION };
  const { trashDays, resultDays, uploadHours, keepVersions, versionDays, archiveAfterDays } = row;
  return { trashDays, resultDays, uploadHours, keepVersions, versionDays, archiveAfterDays };
}
