import { randomBytes } from "node:crypto";
import { DomainError } from "../errors";
import { accessDigest, accessFor, fitAccess, type DatasetAccess } from "../access/effective-access";
import { OPEN_POLICY, parseStoredPolicy, type DatasetPolicy, type Principal } from "../access/policy";
import type { Tx } from "../db/client";
import { sqlOf, type Sql } from "../db/sql";
import {
  visibleDatasetFromRow,
  visibleDatasetsSql,
  type VisibleDatasetRow,
  type VisibleDatasetVersion,
} from "./visible-datasets";

/** No role, no groups, no attributes: sees only what is open to everyone (fail closed). */
const NOBODY: Principal = { role: "", groupIds: [], attributes: {} };

function attributesOf(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (typeof x === "string" ? [[k, x]] : [])));
}

/**
 * The statement that reads the principal behind an actor: `tenant` and
 * `actor` are placeholders ($1, $2) or quoted literals (one-round-trip reads).
 * A key reads as the member who created it; groups come in the same row.
 */
export function principalSql(tenant: string, actor: string): string {
  return `SELECT m.role::text AS role, m.attributes,
            ARRAY(SELECT g."groupId" FROM "AccessGroupMember" g
                   WHERE g."tenantId" = m."tenantId" AND g."userId" = m."userId") AS "groupIds"
       FROM "Membership" m
      WHERE m."tenantId" = ${tenant} AND m."userId" = COALESCE(
        (SELECT "createdBy" FROM "ApiKey" WHERE id = ${actor} AND "tenantId" = ${tenant}), ${actor})`;
}

export interface PrincipalRow {
  role: string;
  attributes: unknown;
  groupIds: string[];
}

/** The row principalSql found (none: nobody). */
export function principalFromRow(m: PrincipalRow | undefined): Principal {
  if (!m) return NOBODY;
  return { role: m.role, groupIds: m.groupIds, attributes: attributesOf(m.attributes) };
}

/**
 * The reader behind an actor id (a user, or an API key): a member's role,
 * groups and attributes. A key reads as the member who created it, so it
 * never sees more than its creator; an actor that is neither is nobody.
 */
export async function readPrincipal(tx: Tx | Sql, tenantId: string, actorId: string): Promise<Principal> {
  const [m] = await sqlOf(tx).query<PrincipalRow>(principalSql("$1", "$2"), [tenantId, actorId]);
  return principalFromRow(m);
}

/** Every dataset policy of the tenant, by dataset id (a dataset without one is open). */
export async function readPolicies(tx: Tx | Sql, tenantId: string): Promise<Map<string, DatasetPolicy>> {
  const rows = await sqlOf(tx).query<{ datasetId: string; policy: unknown }>(
    `SELECT "datasetId", policy FROM "DatasetPolicy" WHERE "tenantId" = $1`,
    [tenantId],
  );
  return new Map(rows.map((r) => [r.datasetId, parseStoredPolicy(r.policy)]));
}

export type ReadableDataset = VisibleDatasetVersion & { access: DatasetAccess };

export interface ReaderView {
  principal: Principal;
  /** The datasets this reader may query, each with its masks and filters. */
  datasets: ReadableDataset[];
  /** core/access/effective-access accessDigest: part of every cache key and sandbox key. */
  digest: string;
}

/**
 * The tenant's policies, the reader's principal and the queryable datasets in
 * one statement (on every query's path: it was three round trips). Through
 * JSON, so int8 columns come as text and are parsed back.
 */
const READER_VIEW_SQL = `SELECT
   (SELECT COALESCE(json_agg(json_build_object('datasetId', p."datasetId", 'policy', p.policy)), '[]')
      FROM "DatasetPolicy" p WHERE p."tenantId" = $1) AS policies,
   (SELECT row_to_json(m) FROM (${principalSql("$1", "$2")}) m) AS principal,
   (SELECT COALESCE(json_agg(to_jsonb(v) || jsonb_build_object('storedBytes', v."storedBytes"::text,
                                                              'rowCount', v."rowCount"::text) ORDER BY v.name), '[]')
      FROM (${visibleDatasetsSql("$1")}) v) AS datasets`;

/** What one reader's queries see: the tenant's queryable datasets narrowed by its policies. */
export async function readReaderView(tx: Tx | Sql, tenantId: string, actorId: string): Promise<ReaderView> {
  const [row] = await sqlOf(tx).query<{
    policies: { datasetId: string; policy: unknown }[];
    principal: PrincipalRow | null;
    datasets: VisibleDatasetRow[];
  }>(READER_VIEW_SQL, [tenantId, actorId]);
  const policies = new Map(row!.policies.map((r) => [r.datasetId, parseStoredPolicy(r.policy)]));
  // Without any policy every member reads everything, as before the principal was read with the rest.
  const principal = policies.size ? principalFromRow(row!.principal ?? undefined) : NOBODY;
  const withAccess = row!.datasets.map(visibleDatasetFromRow).map((d) => ({
    ...d,
    access: fitAccess(
      accessFor(policies.get(d.datasetId) ?? OPEN_POLICY, principal),
      d.columns.map((c) => c.name),
    ),
  }));
  return {
    principal,
    datasets: withAccess.filter((d) => d.access.visible),
    digest: accessDigest(withAccess, principal.attributes),
  };
}

/** One dataset's access for one reader (previews, profiles, the dataset page). */
export async function readDatasetAccess(
  tx: Tx | Sql,
  tenantId: string,
  actorId: string,
  datasetId: string,
): Promise<DatasetAccess> {
  const [p] = await sqlOf(tx).query<{ policy: unknown }>(
    `SELECT policy FROM "DatasetPolicy" WHERE "tenantId" = $1 AND "datasetId" = $2`,
    [tenantId, datasetId],
  );
  // Without a policy every reader gets the same (open) access: the check costs one statement, not two.
  if (!p) return accessFor(OPEN_POLICY, NOBODY);
  return accessFor(parseStoredPolicy(p.policy), await readPrincipal(tx, tenantId, actorId));
}

/** The tenant's hash-mask secret, made on first use (random: nothing outside the tenant can derive it). */
export async function readMaskingSecret(tx: Tx | Sql, tenantId: string): Promise<string> {
  const sql = sqlOf(tx);
  await sql.query(`INSERT INTO "MaskingKey" ("tenantId", secret) VALUES ($1, $2) ON CONFLICT ("tenantId") DO NOTHING`, [
    tenantId,
    randomBytes(32).toString("base64url"),
  ]);
  const [k] = await sql.query<{ secret: string }>(`SELECT secret FROM "MaskingKey" WHERE "tenantId" = $1`, [tenantId]);
  return k!.secret;
}

/** The reader's access digest now; "open" without reading more while the tenant has no policy. */
export async function readReaderDigest(tx: Tx | Sql, tenantId: string, actorId: string): Promise<string> {
  const [row] = await sqlOf(tx).query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "DatasetPolicy" WHERE "tenantId" = $1) AS any`,
    [tenantId],
  );
  if (!row?.any) return "open";
  return (await readReaderView(tx, tenantId, actorId)).digest;
}

/**
 * A stored result (preview, pages, exports) is shown only to a reader whose
 * access now is what the result was computed under: another role's result,
 * or one from before a policy change, is refused.
 */
export async function assertResultReadable(
  tx: Tx | Sql,
  tenantId: string,
  actorId: string,
  runDigest: string | null,
): Promise<void> {
  assertSameAccess(runDigest, await readReaderDigest(tx, tenantId, actorId));
}

/** The refusal of assertResultReadable, for callers that read the reader's digest themselves. */
export function assertSameAccess(runDigest: string | null, readerDigest: string): void {
  if ((runDigest ?? "open") !== readerDigest) {
    throw new DomainError(
      "FORBIDDEN",
      "This result was computed under other data access rules than yours; run the query again to see your own.",
    );
  }
}
