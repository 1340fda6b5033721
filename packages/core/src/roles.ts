/** Tenant roles, most to least powerful. */
export const ROLES = ["OWNER", "ADMIN", "ANALYST", "VIEWER"] as const;
export type RoleName = (typeof ROLES)[number];

export const PERMISSIONS = [
  "dataset.read",
  "dataset.write",
  "upload.create",
  "query.run",
  "query.read",
  "audit.read",
  "member.manage",
  "apikey.manage",
  "quota.read",
  "tenant.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["dataset.read", "query.read", "quota.read"];
const ANALYST: Permission[] = [...READ, "dataset.write", "upload.create", "query.run"];
const ADMIN: Permission[] = [...ANALYST, "audit.read", "member.manage", "apikey.manage"];

/** The one role -> permission table; every procedure declares the permission it needs. */
export const ROLE_PERMISSIONS: Record<RoleName, ReadonlySet<Permission>> = {
  OWNER: new Set([...ADMIN, "tenant.manage"]),
  ADMIN: new Set(ADMIN),
  ANALYST: new Set(ANALYST),
  VIEWER: new Set(READ),
};

export function can(role: RoleName, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
