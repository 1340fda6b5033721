import fs from "node:fs";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { forEachDecodedChunk } from "./decoded-stream";
import type { Compression } from "./detect-format";

const LF = 0x0a;
const CR = 0x0d;
const RAW_CHARS = 2000;

/** A malformed line under the "fail" policy: the version fails naming it. */
export class NdjsonLineError extends Error {}

export interface NdjsonScan {
  /** Non-blank lines: each one record. */
  records: number;
  rejected: number;
  /** The first `keep` rejects in full. */
  rejects: IngestReject[];
}

/** Why a line is not one JSON object, or null when it is. */
function problemOf(text: string): string | null {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== "object" || Array.isArray(v)) return "the line is JSON but not an object";
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * One streaming pass over NDJSON: every non-blank line is a record; a line
 * that is not a JSON object is a reject with its 1-based line number and
 * text (under "fail", the error). Under "skip" the good lines go to
 * `cleanFile`, so DuckDB reads only those and a bad line never takes its
 * neighbour with it. Memory: one chunk plus the longest line.
 */
export async function scanNdjson(opts: {
  file: string;
  compression: Compression;
  policy: "fail" | "skip";
  cleanFile?: string;
  keep: number;
}): Promise<NdjsonScan> {
  const out = opts.policy === "skip" && opts.cleanFile ? fs.openSync(opts.cleanFile, "w") : null;
  const scan: NdjsonScan = { records: 0, rejected: 0, rejects: [] };
  let line = 0;
  let carry: Buffer | null = null;
  const onLine = (data: Buffer, s: number, e: number): boolean => {
    line++;
    const end = e > s && data[e - 1] === CR ? e - 1 : e;
    if (isBlank(data, s, end)) return true;
    scan.records++;
    const text = data.toString("utf8", s, end);
    const problem = problemOf(text);
    if (!problem) return true;
    if (opts.policy === "fail") {
      throw new NdjsonLineError(
        `line ${line} is not valid JSON (${problem}): ${text.slice(0, 120)}. ` +
          `Choose the bad-row policy "skip" to leave such lines out and list them, then re-ingest.`,
      );
    }
    scan.rejected++;
    if (scan.rejects.length < opts.keep) {
      scan.rejects.push({
        line: BigInt(line),
        column: null,
        kind: "MALFORMED JSON",
        reason: problem,
        raw: text.slice(0, RAW_CHARS),
      });
    }
    return false;
  };
  const onChunk = (chunk: Buffer) => {
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let s = 0;
    let written = 0;
    for (let n = data.indexOf(LF, s); n >= 0; n = data.indexOf(LF, s)) {
      if (!onLine(data, s, n) && out !== null) {
        if (s > written) fs.writeSync(out, data, written, s - written);
        written = n + 1;
      }
      s = n + 1;
    }
    if (out !== null && s > written) fs.writeSync(out, data, written, s - written);
    // Copied: the partial last line must not pin the whole chunk.
    carry = s < data.length ? Buffer.from(data.subarray(s)) : null;
  };
  try {
    await forEachDecodedChunk(opts.file, opts.compression, onChunk);
    const rest = carry as Buffer | null;
    if (rest && onLine(rest, 0, rest.length) && out !== null)
      fs.writeSync(out, Buffer.concat([rest, Buffer.from("\n")]));
  } finally {
    if (out !== null) fs.closeSync(out);
  }
  return scan;
}
