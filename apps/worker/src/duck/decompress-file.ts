import fs from "node:fs";
import { forEachDecodedChunk } from "./decoded-stream";
import type { Compression } from "./detect-format";

/**
 * Streams a compressed file to `dest` decompressed. Only for compressed
 * Parquet, which needs random access; DuckDB reads compressed CSV and JSON
 * itself. A truncated or corrupt stream fails (CompressedStreamError).
 */
export async function decompressFile(src: string, dest: string, compression: Compression): Promise<void> {
  const out = fs.openSync(dest, "w");
  try {
    await forEachDecodedChunk(src, compression, (chunk) => {
      fs.writeSync(out, chunk);
    });
  } finally {
    fs.closeSync(out);
  }
}
