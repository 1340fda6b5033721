import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Logger } from "@scrollintel/core/logger";

/** One request's id and logger; the logger gains tenantId/userId once the caller is known. */
export interface RequestScope {
  requestId: string;
  log: Logger;
}

/** For code a request runs that is not handed the scope (tus's hooks). */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/** A fresh id for a request, echoed in X-Request-Id and on every log line of the request. */
export function beginRequest(base: Logger): RequestScope {
  const requestId = randomUUID();
  return { requestId, log: base.child({ requestId }) };
}
