import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  size: number;
  /** When the object was last written (listings fill it; reconciliation's grace period reads it). */
  modifiedAt?: Date;
}

/**
 * Object storage as ScrollIntel uses it: whole objects written from a stream,
 * read as a stream, listed by prefix. Keys come from core/keys only.
 */
export interface StorageDriver {
  readonly kind: "local" | "s3";
  /**
   * Writes an object from a stream; the object appears only when complete.
   * `sizeBytes`, when known, lets S3 pick parts large enough for the object (10,000 parts at most).
   */
  put(key: string, body: Readable, opts?: { sizeBytes?: number }): Promise<void>;
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Every object under the prefix with size and modifiedAt, streamed page by page, in key order per page. */
  list(prefix: string): AsyncIterable<StoredObject>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  /**
   * Makes an object another writer put at `key` (the tus store, PATCH by PATCH) as durable as
   * `put` would have: local disk syncs the file and its directory; an S3 object already is.
   */
  settle(key: string): Promise<void>;
  /** Resolves when the store answers a cheap request (health checks); never retries. */
  probe(): Promise<void>;
  /** A path DuckDB can open directly, when the driver keeps objects on local disk. */
  localPath(key: string): string | null;
}
