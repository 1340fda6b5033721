import { DEFAULT_MAX_LINE_BYTES, type IngestOptions } from "@scrollintel/core/ingest-options";
import { MIB } from "@scrollintel/shared/bytes";
import fs from "node:fs";
import { compressionOf } from "./detect-format";
import { explainDuckError } from "./explain-duck-error";
import { findInvalidUtf8, findLineEndChange, findLongLine } from "./scan-lines";
import { decodedStream } from "./transcode-source";

export interface ReadErrorContext {
  filename: string;
  /** The upload as stored (what line numbers and bytes refer to). */
  source: string;
  /** Scratch paths to hide from the message (the upload, its UTF-8 copy). */
  localPaths: string[];
  options: IngestOptions;
}

function firstBytes(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const b = Buffer.alloc(4);
    return b.subarray(0, fs.readSync(fd, b, 0, 4, 0));
  } finally {
    fs.closeSync(fd);
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * A failed read as a sentence with the remedy that works, finding the line
 * DuckDB misnames: a byte that is not UTF-8 (DuckDB quotes the wrong line,
 * and "skip" fails the same way: the way out is the encoding option) and an
 * over-long line (DuckDB says line 1: the way out is the line-size option),
 * line ends that change after the sniffed head (DuckDB names no line: the
 * way out is the line-ends option).
 */
export async function explainReadError(e: unknown, ctx: ReadErrorContext): Promise<string> {
  const msg = e instanceof Error ? e.message : String(e);
  const stream = () => decodedStream(ctx.source, compressionOf(firstBytes(ctx.source)));
  if (/Invalid unicode|not utf-8 encoded/i.test(msg)) {
    const bad = await findInvalidUtf8(stream()).catch(() => null);
    const where = bad
      ? `line ${bad.line}, byte ${bad.column} holds 0x${bad.byte.toString(16).toUpperCase().padStart(2, "0")}, which is not UTF-8`
      : "it holds bytes that are not UTF-8";
    return (
      `${ctx.filename} is not UTF-8 text: ${where}. Choose the file's encoding under Reading options ` +
      `(Latin-1 / Windows-1252 for most Western European text) and re-ingest.`
    );
  }
  const limit = ctx.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (/Maximum line size|maximum_object_size/i.test(msg)) {
    const long = await findLongLine(stream(), limit).catch(() => null);
    const where = long ? `line ${long.line} is ${fmt(long.bytes)} bytes long` : "a line is too long";
    const mib = Math.ceil((long ? long.bytes * 1.1 : limit * 10) / MIB);
    return (
      `${ctx.filename}: ${where}, more than the ${fmt(limit)} bytes a line or record may have. ` +
      `Set "Maximum line size" under Reading options to ${mib} MiB or more and re-ingest.`
    );
  }
  if (/state machine reached an invalid state/i.test(msg)) {
    const change = await findLineEndChange(stream()).catch(() => null);
    if (change) {
      return (
        `${ctx.filename}: line ${change.line} ends with ${change.found} where the lines before it end with ${change.first}. ` +
        `Choose Line ends "always make CRLF and CR into LF" under Reading options and re-ingest.`
      );
    }
    return (
      `${ctx.filename}: the file does not follow the layout detected in its first lines (delimiter, quote and escape ` +
      `characters). Choose them under Reading options and re-ingest.`
    );
  }
  return explainDuckError(e, ctx.filename, ctx.localPaths);
}
