import { accessFor, fitAccess, isUnrestricted, type DatasetAccess } from "../access/effective-access";
import { OPEN_POLICY } from "../access/policy";
import type { Tx } from "../db/client";
import type { Sql } from "../db/sql";
import { notFound } from "../errors";
import { hasPermission, type TenantCtx } from "../tenant-context";
import { readDatasetAccess, readMaskingSecret, readPolicies, readPrincipal } from "./access-read";

/**
 * What one reader may see of one dataset outside the sandbox (intake
 * previews, rejects, stream statistics, counts): the access fitted to the
 * columns shown, the hash secret when a hash mask applies, and whether row
 * counts are hidden (under a row filter they count rows the reader may not see).
 */
export interface ReaderAccess {
  access: DatasetAccess;
  secret: string;
  countsHidden: boolean;
  /** Nothing narrows this reader: raw lines and counts may be shown as stored. */
  unrestricted: boolean;
}

/**
 * The one rule for a dataset the reader's policy does not show: it does not
 * exist for them, except for those who manage access (they must see it to fix it).
 */
export function isHiddenFrom(ctx: TenantCtx, access: Pick<DatasetAccess, "visible">): boolean {
  return !access.visible && !hasPermission(ctx, "access.manage");
}

/**
 * Every procedure that acts on a dataset by id (or on a version, upload or
 * trash item of one) calls this after finding the row in the caller's tenant
 * and before anything else: a dataset the caller's policy hides is NOT_FOUND,
 * with `what` the procedure's own answer for an id that does not exist, so
 * the answer says nothing of whether it does. Returns the unfitted access.
 */
export async function requireVisibleDataset(
  tx: Tx | Sql,
  ctx: TenantCtx,
  input: { datasetId: string; what: string },
): Promise<DatasetAccess> {
  const raw = await readDatasetAccess(tx, ctx.tenantId, ctx.actor.id, input.datasetId);
  if (isHiddenFrom(ctx, raw)) throw notFound(input.what);
  return raw;
}

/** Of these datasets, those the caller's policies hide (none without any policy in the tenant): for lists. */
export async function findHiddenDatasetIds(tx: Tx | Sql, ctx: TenantCtx, datasetIds: string[]): Promise<Set<string>> {
  if (!datasetIds.length || hasPermission(ctx, "access.manage")) return new Set();
  const policies = await readPolicies(tx, ctx.tenantId);
  if (!policies.size) return new Set();
  const principal = await readPrincipal(tx, ctx.tenantId, ctx.actor.id);
  return new Set(datasetIds.filter((id) => isHiddenFrom(ctx, accessFor(policies.get(id) ?? OPEN_POLICY, principal))));
}

/**
 * The reader's access to a dataset. A dataset its policy does not show the
 * reader is NOT_FOUND (requireVisibleDataset), except to those who manage
 * access, who get it with every row and count hidden (as on the dataset page).
 */
export async function readReaderAccess(
  tx: Tx | Sql,
  ctx: TenantCtx,
  input: { datasetId: string; columns: string[]; what: string },
): Promise<ReaderAccess> {
  const raw = await requireVisibleDataset(tx, ctx, input);
  const fitted = fitAccess(raw, input.columns);
  // A dataset shown only to manage it, or whose policy no longer fits these columns, shows no rows at all.
  const access = fitted.visible ? fitted : { visible: false, masks: {}, rowFilters: ["(not allowed)"] };
  const secret = Object.values(access.masks).includes("hash") ? await readMaskingSecret(tx, ctx.tenantId) : "";
  return { access, secret, countsHidden: access.rowFilters.length > 0, unrestricted: isUnrestricted(access) };
}
