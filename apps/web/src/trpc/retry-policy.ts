import { TRPCClientError } from "@trpc/client";

/** A read the server turned away as busy (or rate limited): it ran nothing and asks to be sent again later. */
function isBusy(error: unknown): boolean {
  return (
    error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "TOO_MANY_REQUESTS"
  );
}

/** Busy reads are retried up to 4 times; any other failure once, as before. */
export function retryQuery(failures: number, error: unknown): boolean {
  return failures < (isBusy(error) ? 4 : 1);
}

/**
 * A busy read waits 1, 2, 3… s (its Retry-After is 1) with jitter, so a crowd
 * of pages turned away together does not come back together; others back off
 * as react-query does by default.
 */
export function retryQueryDelay(attempt: number, error: unknown, random = Math.random): number {
  return isBusy(error) ? 1000 * (attempt + 1) + Math.round(random() * 500) : Math.min(1000 * 2 ** attempt, 30_000);
}
