import { AsyncLocalStorage } from "node:async_hooks";

/** The ids every log line of a request or a job carries, whichever logger writes it. */
export interface LogFields {
  requestId?: string;
  tenantId?: string;
  userId?: string;
  apiKeyId?: string;
  jobId?: string;
  task?: string;
}

/**
 * One mutable record per request or job: set at its start, filled in as the
 * caller becomes known (tenant, user), read by the logger's mixin.
 */
export const logContext = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with its own ids (a request, a job). */
export function runWithLogFields<T>(fields: LogFields, fn: () => T): T {
  return logContext.run({ ...fields }, fn);
}

/** Adds ids learnt along the way (the tenant, the user) to the current request or job. */
export function bindLogFields(fields: LogFields): void {
  const store = logContext.getStore();
  if (store) Object.assign(store, fields);
}

/** The current request's or job's ids. */
export function currentLogFields(): LogFields | undefined {
  return logContext.getStore();
}
