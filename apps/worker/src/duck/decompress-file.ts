import fs from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Decompress } from "fzstd";
import type { Compression } from "./detect-format";

function zstdStream(): Transform {
  let d: Decompress;
  return new Transform({
    construct(cb) {
      d = new Decompress((chunk) => this.push(chunk));
      cb();
    },
    transform(chunk: Buffer, _enc, cb) {
      try {
        d.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/**
 * Streams a compressed file to `dest` decompressed. Only for compressed
 * Parquet, which needs random access; DuckDB reads compressed CSV and JSON
 * itself.
 */
export async function decompressFile(src: string, dest: string, compression: Compression): Promise<void> {
  const unzip = compression === "gzip" ? zlib.createGunzip() : zstdStream();
  await pipeline(fs.createReadStream(src, { highWaterMark: 1024 * 1024 }), unzip, fs.createWriteStream(dest));
}
