import type { DuckDBConnection } from "@duckdb/node-api";

/** Why a statement was interrupted: the plan's time limit, the user, or the result size limit. */
export type Stop = "timeout" | "cancel" | "bytes";

/**
 * Interrupts the query's statement at the plan's time limit, on cancel or when
 * the result grows past its limit, and remembers why. An interrupt that lands
 * just before DuckDB starts the statement can be lost, so a stop keeps
 * interrupting until disposed.
 */
export class Stopper {
  reason: Stop | null = null;
  private conn: DuckDBConnection | null = null;
  private nag: NodeJS.Timeout | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.stop("timeout"), timeoutMs);
  }

  attach(conn: DuckDBConnection): void {
    this.conn = conn;
    if (this.reason) conn.interrupt();
  }

  stop(why: Stop): void {
    this.reason ??= why;
    this.conn?.interrupt();
    this.nag ??= setInterval(() => this.conn?.interrupt(), 50);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.nag);
  }
}
