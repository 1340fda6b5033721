import fs from "node:fs";
import zlib from "node:zlib";
import { Decompress } from "fzstd";

export type SourceFormat = "csv" | "json" | "ndjson" | "parquet";
export type Compression = "none" | "gzip" | "zstd";

export interface DetectedFormat {
  format: SourceFormat;
  compression: Compression;
  /** The first decoded bytes, as text (empty for Parquet): the sniffing sample. */
  head: string;
  /** How many stored (possibly compressed) bytes `head` was decoded from. */
  rawHeadBytes: number;
}

const HEAD_BYTES = 256 * 1024;

/** Compression from the first bytes, whatever the file is called. */
export function compressionOf(bytes: Uint8Array): Compression {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
  if (bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) return "zstd";
  return "none";
}

/** Decodes as much of a compressed prefix as it holds (a prefix never ends cleanly). */
export function decodePrefix(bytes: Uint8Array, compression: Compression): Buffer {
  if (compression === "gzip") {
    return zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  }
  if (compression === "zstd") {
    const out: Uint8Array[] = [];
    const d = new Decompress((chunk) => out.push(chunk));
    try {
      d.push(bytes);
    } catch {
      // A truncated frame: keep what was decoded before the cut.
    }
    return Buffer.concat(out);
  }
  return Buffer.from(bytes);
}

/**
 * What a file is, by its content: Parquet by its magic, JSON by its first
 * character, a zip (a spreadsheet) or binary refused with a reason, and
 * delimited text otherwise.
 */
export function formatOf(decoded: Buffer): SourceFormat {
  if (decoded.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (decoded[0] === 0x50 && decoded[1] === 0x4b && decoded[2] === 0x03 && decoded[3] === 0x04) {
    throw new Error("This is a zip archive (an Excel workbook?). Save it as CSV and upload that.");
  }
  const text = decoded.toString("utf8").replace(/^\uFEFF/, "");
  const first = /\S/.exec(text)?.[0];
  if (first === "[") return "json";
  if (first === "{") return "ndjson";
  const sample = decoded.subarray(0, 64 * 1024);
  // UTF-16 text and binaries both carry NUL bytes; DuckDB reads UTF-8 text.
  if (sample.includes(0)) {
    throw new Error("The file is binary or not UTF-8 text (it contains NUL bytes in its first 64 KB).");
  }
  return "csv";
}

export async function detectFormat(file: string): Promise<DetectedFormat> {
  const fd = await fs.promises.open(file, "r");
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fd.read(buf, 0, HEAD_BYTES, 0);
    raw = buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
  if (raw.length === 0) throw new Error("The file is empty.");
  const compression = compressionOf(raw);
  const decoded = decodePrefix(raw, compression);
  const format = formatOf(decoded);
  return { format, compression, head: format === "parquet" ? "" : decoded.toString("utf8"), rawHeadBytes: raw.length };
}
