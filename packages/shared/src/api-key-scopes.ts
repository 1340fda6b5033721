import type { Permission } from "./roles";

/** What an integration may do with a key; each scope grants a fixed set of permissions. */
export const API_KEY_SCOPES = ["read", "query", "upload", "admin", "events:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const SCOPE_PERMISSIONS: Record<ApiKeyScope, Permission[]> = {
  read: ["dataset.read", "query.read", "quota.read"],
  query: ["query.run", "query.read", "dataset.read"],
  // Integrations that load data also replace it: delete and restore come with the upload scope.
  upload: ["upload.create", "dataset.write", "dataset.delete", "dataset.read"],
  // Producers only append events: no reads, so a leaked producer key cannot read data back.
  "events:write": ["events.write"],
  // upload.manage only widens upload.create: a key also needs the upload scope to touch any upload.
  admin: [
    "audit.read",
    "member.manage",
    "apikey.manage",
    "quota.read",
    "retention.manage",
    "upload.manage",
    "access.manage",
    "connector.manage",
  ],
};

/** One line per scope for the key form: what an integration holding it may do. */
export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  read: "list datasets, read query results and usage",
  query: "run SQL queries",
  upload: "upload files and replace or delete datasets",
  admin: "audit log, members, API keys, retention, access policies, stream connectors",
  "events:write": "send events (POST /api/events), nothing else",
};

/** Choices for a key's lifetime in days; null never expires. */
export const API_KEY_EXPIRY_DAYS = [null, 7, 30, 90, 365] as const;
