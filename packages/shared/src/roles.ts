/** Tenant roles, most to least powerful. */
export const ROLES = ["OWNER", "ADMIN", "ANALYST", "VIEWER"] as const;
export type RoleName = (typeof ROLES)[number];

export const PERMISSIONS = [
  "dataset.read",
  "dataset.write",
  /** Delete datasets and versions to the trash, and restore them. */
  "dataset.delete",
  "upload.create",
  /** Continue, finish or cancel an upload someone else started (one's own needs only upload.create). */
  "upload.manage",
  /** Send events into a streaming dataset (POST /api/events). */
  "events.write",
  /** Create, edit, pause and delete source connectors (NATS JetStream) and see their status. */
  "connector.manage",
  "query.run",
  "query.read",
  "audit.read",
  "member.manage",
  "apikey.manage",
  "quota.read",
  "retention.manage",
  "tenant.manage",
  /** Groups, member attributes and dataset access policies (masks, row filters). */
  "access.manage",
  /** The compliance report: who can access what, policy history, key usage, audit export. */
  "compliance.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["dataset.read", "query.read", "quota.read"];
const ANALYST: Permission[] = [...READ, "dataset.write", "upload.create", "events.write", "query.run"];
// Deleting data is an admin's call; analysts rename and roll back (dataset.write).
const ADMIN: Permission[] = [
  ...ANALYST,
  "dataset.delete",
  "upload.manage",
  "audit.read",
  "member.manage",
  "apikey.manage",
  "retention.manage",
  "access.manage",
  "connector.manage",
];

/** The one role -> permission table; every procedure declares the permission it needs. */
export const ROLE_PERMISSIONS: Record<RoleName, ReadonlySet<Permission>> = {
  OWNER: new Set([...ADMIN, "tenant.manage", "compliance.read"]),
  ADMIN: new Set(ADMIN),
  ANALYST: new Set(ANALYST),
  VIEWER: new Set(READ),
};

export function can(role: RoleName, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** What each role may do, in the words the Members page shows next to the role picker. */
export const ROLE_DESCRIPTIONS: Record<RoleName, string> = {
  OWNER: "Everything an admin can do, plus workspace settings and the compliance report.",
  ADMIN:
    "Manages members, API keys, retention, access policies, stream connectors and the audit log; deletes and restores datasets.",
  ANALYST: "Uploads files, sends events, edits datasets and runs queries.",
  VIEWER: "Reads datasets, query results and usage; cannot upload or run queries.",
};
