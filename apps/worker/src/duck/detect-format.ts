import fs from "node:fs";
import zlib from "node:zlib";
import { Decompress } from "fzstd";
import { canonicalEncoding, type IngestOptions, type JsonLayout } from "@scrollintel/core/ingest-options";

/** json: one array of records; json-document: one or more (pretty-printed) documents, each a record. */
export type SourceFormat = "csv" | "json" | "ndjson" | "json-document" | "parquet";
export type Compression = "none" | "gzip" | "zstd";

export interface DetectedFormat {
  format: SourceFormat;
  compression: Compression;
  /** The first decoded bytes, as text (empty for Parquet): the sniffing sample. */
  head: string;
  /** The text encoding read (canonical name): what was chosen, or UTF-8 / UTF-16 by the BOM. */
  encoding: string;
  /** Both CRLF and lone LF (or CR) line ends in the head: DuckDB's sniffer gives up on those. */
  mixedLineEnds: boolean;
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

/** The encoding to read: the chosen one, else UTF-16 by its byte order mark, else UTF-8. */
export function encodingOf(decoded: Uint8Array, chosen: string): string {
  if (chosen !== "auto") return canonicalEncoding(chosen) ?? "utf-8";
  if (decoded[0] === 0xff && decoded[1] === 0xfe) return "utf-16le";
  if (decoded[0] === 0xfe && decoded[1] === 0xff) return "utf-16be";
  return "utf-8";
}

/** "{" files: NDJSON when the first line is a whole JSON value, else pretty-printed documents. */
function objectLayout(text: string): SourceFormat {
  const nl = text.indexOf("\n");
  if (nl < 0) return "ndjson"; // one line, or a first line longer than the sample: NDJSON reads both
  try {
    JSON.parse(text.slice(0, nl));
    return "ndjson";
  } catch {
    return "json-document";
  }
}

const LAYOUT_FORMAT: Record<Exclude<JsonLayout, "auto">, SourceFormat> = {
  ndjson: "ndjson",
  array: "json",
  document: "json-document",
};

/**
 * What a file is, by its content: Parquet by its magic, JSON by its first
 * character (or the chosen layout), a zip (a spreadsheet) or binary refused
 * with a reason, and delimited text otherwise. `decoded` is UTF-8.
 */
export function formatOf(decoded: Buffer, layout: JsonLayout = "auto"): SourceFormat {
  if (decoded.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (decoded[0] === 0x50 && decoded[1] === 0x4b && decoded[2] === 0x03 && decoded[3] === 0x04) {
    throw new Error("This is a zip archive (an Excel workbook?). Save it as CSV and upload that.");
  }
  if (layout !== "auto") return LAYOUT_FORMAT[layout];
  const text = decoded
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (text[0] === "[") return "json";
  if (text[0] === "{") return objectLayout(text);
  const sample = decoded.subarray(0, 64 * 1024);
  if (sample.includes(0)) {
    // UTF-16 without a BOM: every other byte of ASCII text is NUL.
    const even = sample.filter((b, i) => i % 2 === 0 && b === 0).length;
    const odd = sample.filter((b, i) => i % 2 === 1 && b === 0).length;
    if (Math.max(even, odd) > sample.length / 4) {
      const which = odd > even ? "UTF-16 LE" : "UTF-16 BE";
      throw new Error(
        `The file looks like ${which} text without a byte order mark. Choose the encoding ${which} and re-ingest.`,
      );
    }
    throw new Error("The file is binary, not text (it contains NUL bytes in its first 64 KB).");
  }
  return "csv";
}

/** CRLF and a lone LF or CR both present. */
export function hasMixedLineEnds(text: string): boolean {
  const crlf = text.includes("\r\n");
  const bare = /[^\r]\n|\r[^\n]/.test(text.slice(0, -1));
  return crlf && bare;
}

export async function detectFormat(
  file: string,
  options: Pick<IngestOptions, "encoding" | "jsonLayout"> = { encoding: "auto", jsonLayout: "auto" },
): Promise<DetectedFormat> {
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
  const encoding = encodingOf(decoded, options.encoding);
  const utf8 = encoding === "utf-8" ? decoded : Buffer.from(new TextDecoder(encoding).decode(decoded), "utf8");
  const format = formatOf(utf8, options.jsonLayout);
  const head = format === "parquet" ? "" : utf8.toString("utf8");
  return { format, compression, head, encoding, mixedLineEnds: hasMixedLineEnds(head), rawHeadBytes: raw.length };
}
