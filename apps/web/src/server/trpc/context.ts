import type { Db } from "@scrollintel/core/db/client";
import type { NotifyListener } from "@scrollintel/core/db/notify-listener";
import type { Logger } from "@scrollintel/core/logger";
import type { ApiKeyPrincipal } from "@scrollintel/core/services/api-key-service";
import type { UserTenantRow } from "@scrollintel/core/services/auth-service";

/** Who called: a signed-in user, or an integration with an API key (Authorization: Bearer). */
export type Caller =
  | {
      kind: "user";
      userId: string;
      email: string;
      isPlatformAdmin: boolean;
      /** The membership in the tenant this request names, read with the session row (one round trip). */
      membership?: { tenantSlug: string | null; row: UserTenantRow | null };
    }
  | { kind: "apiKey"; key: ApiKeyPrincipal };

export interface TrpcContext {
  db: Db;
  /** This request's logger: carries requestId, then userId and tenantId once known. */
  log: Logger;
  /** Echoed in X-Request-Id; a 500 names only this. */
  requestId: string;
  caller: Caller | null;
  /** The tenant a signed-in user chose (cookie); membership is checked per procedure. */
  tenantSlug: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Response headers a procedure may add to (cookies, Retry-After). */
  resHeaders: Headers;
  /** LISTENs for finished query runs, pages and exports; without it waits poll. */
  queryEvents?: NotifyListener | null;
}
