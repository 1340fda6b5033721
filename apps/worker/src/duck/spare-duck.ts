import fs from "node:fs";
import path from "node:path";
import { closeDuck, lit, openDuck, type Duck, type DuckLimits } from "./open-duck";

/**
 * Keeps one fresh, never-used DuckDB instance open ahead of the next query, so
 * opening one (tens of milliseconds) is off the query's path. Every instance
 * still serves exactly one query: take() hands it out with the query's own
 * limits and starts opening the next.
 */
export class SpareDuck {
  private next: Promise<Duck> | null = null;

  constructor(private readonly base: DuckLimits) {}

  private open(): Promise<Duck> {
    const p = openDuck(this.base);
    p.catch(() => undefined); // a failed spare is retried by take()
    return p;
  }

  /** Opens the first spare (at worker start). */
  warm(): void {
    this.next ??= this.open();
  }

  async take(limits: DuckLimits): Promise<Duck> {
    const pending = this.next;
    this.next = this.open();
    const duck = pending ? await pending.catch(() => openDuck(limits)) : await openDuck(limits);
    try {
      fs.mkdirSync(limits.tempDir, { recursive: true });
      await duck.conn.run(`SET memory_limit = ${lit(limits.memoryLimit)}`);
      await duck.conn.run(`SET threads = ${Number(limits.threads)}`);
      await duck.conn.run(`SET temp_directory = ${lit(path.resolve(limits.tempDir))}`);
    } catch (e) {
      closeDuck(duck);
      throw e;
    }
    return duck;
  }

  async close(): Promise<void> {
    const pending = this.next;
    this.next = null;
    const duck = await pending?.catch(() => null);
    if (duck) closeDuck(duck);
  }
}

/** A fresh instance with these limits: the spare when there is one. */
export function takeDuck(spare: SpareDuck | null | undefined, limits: DuckLimits): Promise<Duck> {
  return spare ? spare.take(limits) : openDuck(limits);
}
