import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export interface DuckLimits {
  memoryLimit: string;
  threads: number;
  /** Where large sorts and joins spill; created if missing. */
  tempDir: string;
}

/**
 * A fresh in-memory DuckDB with bounded memory and threads. Extension
 * downloads are off: parquet and json are built in, and nothing may fetch.
 */
export async function openDuck(limits: DuckLimits): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  fs.mkdirSync(limits.tempDir, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: limits.memoryLimit,
    threads: String(limits.threads),
    temp_directory: path.resolve(limits.tempDir),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    allow_community_extensions: "false",
  });
  const conn = await instance.connect();
  // Progress is tracked only with the progress bar on; printing it stays off.
  await conn.run("SET enable_progress_bar = true");
  await conn.run("SET enable_progress_bar_print = false");
  return { instance, conn };
}

export type Duck = Awaited<ReturnType<typeof openDuck>>;

export function closeDuck(d: { instance: DuckDBInstance; conn: DuckDBConnection }): void {
  d.conn.closeSync();
  d.instance.closeSync();
}

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** First line of a DuckDB error, without the engine's error-class prefix noise. */
export function duckMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0]!.trim();
}
