import fs from "node:fs";
import path from "node:path";
import type { Config } from "@scrollintel/core/config";
import { closeDuck, lit, openDuck } from "./open-duck";

/**
 * Rewrites one Parquet file with zstd at the archive level (cold tier on
 * local disk): slower to write, smaller at rest, read as any Parquet once
 * restored. Row order and types are kept (a plain SELECT * copy).
 */
export function makeRecompress(config: Config) {
  return async (src: string, dest: string): Promise<void> => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const duck = await openDuck({
      memoryLimit: config.DUCKDB_MEMORY_LIMIT,
      threads: config.DUCKDB_THREADS,
      tempDir: path.join(config.dataDir, "work", "archive-spill"),
    });
    try {
      const level = config.ARCHIVE_ZSTD_LEVEL;
      await duck.conn.run(
        `COPY (SELECT * FROM read_parquet(${lit(src)})) TO ${lit(dest)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${level})`,
      );
    } finally {
      closeDuck(duck);
    }
  };
}
