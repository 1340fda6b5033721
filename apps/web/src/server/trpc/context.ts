import type { Db } from "@scrollintel/core/db/client";
import type { NotifyListener } from "@scrollintel/core/db/notify-listener";
import type { Logger } from "@scrollintel/core/logger";

/** Who called: a signed-in user (API keys join in later), with where from. */
export interface Caller {
  userId: string;
  email: string;
  isPlatformAdmin: boolean;
}

export interface TrpcContext {
  db: Db;
  log: Logger;
  caller: Caller | null;
  /** The tenant the caller chose (cookie); membership is checked per procedure. */
  tenantSlug: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Response headers a procedure may add to (cookies). */
  resHeaders: Headers;
  /** LISTENs for finished query runs, pages and exports; without it waits poll. */
  queryEvents?: NotifyListener | null;
}
