import type { Readable } from "node:stream";

/** Where in a file: line (1-based), byte within the line (1-based). */
export interface Spot {
  line: number;
  column: number;
}

/** Bytes after a lead byte in UTF-8, or -1 for a byte no character starts with. */
function continuationCount(b: number): number {
  if (b < 0x80) return 0;
  if (b >= 0xc2 && b <= 0xdf) return 1;
  if (b >= 0xe0 && b <= 0xef) return 2;
  if (b >= 0xf0 && b <= 0xf4) return 3;
  return -1;
}

/**
 * The first byte that is not valid UTF-8, with its line, or null. Reads the
 * stream once, a chunk at a time, and stops at the first bad byte. (Overlong
 * and surrogate forms are not checked: what matters is telling Latin-1 text
 * from UTF-8.)
 */
export async function findInvalidUtf8(stream: Readable): Promise<(Spot & { byte: number }) | null> {
  let line = 1;
  let column = 0;
  let need = 0;
  let lead: Spot & { byte: number } = { line: 1, column: 0, byte: 0 };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const b of chunk) {
        column++;
        if (need > 0) {
          if ((b & 0xc0) === 0x80) {
            need--;
            continue;
          }
          return lead; // the character that lead byte starts never ends
        }
        if (b === 0x0a) {
          line++;
          column = 0;
          continue;
        }
        need = continuationCount(b);
        lead = { line, column, byte: b };
        if (need < 0) return lead;
      }
    }
    return need > 0 ? lead : null;
  } finally {
    stream.destroy();
  }
}

/** The first line longer than `limit` bytes, with its length in bytes, or null. Reads up to that line's end. */
export async function findLongLine(stream: Readable, limit: number): Promise<{ line: number; bytes: number } | null> {
  let line = 1;
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
        bytes += nl - from;
        if (bytes > limit) return { line, bytes };
        line++;
        bytes = 0;
        from = nl + 1;
      }
      bytes += chunk.length - from;
    }
    return bytes > limit ? { line, bytes } : null;
  } finally {
    stream.destroy();
  }
}

/** The first line whose end (CRLF or LF) differs from the first line's, with both kinds, or null. */
export async function findLineEndChange(
  stream: Readable,
): Promise<{ line: number; first: "CRLF" | "LF"; found: "CRLF" | "LF" } | null> {
  let line = 1;
  let first: "CRLF" | "LF" | null = null;
  let prev = -1; // the byte before the current chunk's first byte
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, nl + 1)) {
        const kind = (nl > 0 ? chunk[nl - 1] : prev) === 0x0d ? "CRLF" : "LF";
        first ??= kind;
        if (kind !== first) return { line, first, found: kind };
        line++;
      }
      prev = chunk[chunk.length - 1] ?? prev;
    }
    return null;
  } finally {
    stream.destroy();
  }
}
