const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A W3C trace context for one browser request: the server's spans (tRPC,
 * PostgreSQL, the job, DuckDB) continue this trace when tracing is on, and
 * ignore the header when it is off.
 */
export function newTraceparent(): string {
  return `00-${hex(16)}-${hex(8)}-01`;
}
