import fs from "node:fs";
import { Transform, type Readable } from "node:stream";
import { TextDecoder } from "node:util";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { Compression } from "./detect-format";
import { zstdTransform } from "./decoded-stream";

/** The file's bytes as stored, decompressed on the way (bounded memory: one chunk at a time). */
export function decodedStream(file: string, compression: Compression): Readable {
  const raw = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  if (compression === "none") return raw;
  const unzip = compression === "gzip" ? zlib.createGunzip() : zstdTransform();
  raw.on("error", (e) => unzip.destroy(e));
  return raw.pipe(unzip);
}

/**
 * Text in any encoding TextDecoder knows -> UTF-8, optionally with every
 * CRLF and lone CR made LF. A CR at the end of a chunk waits for the next
 * chunk, so a CRLF split across chunks still becomes one LF.
 */
export class Utf8Transcoder extends Transform {
  private readonly decoder: TextDecoder;
  private pendingCR = false;

  constructor(
    encoding: string,
    private readonly normalizeLineEnds: boolean,
  ) {
    super();
    // Not fatal: DuckDB then sees U+FFFD where a byte has no character in this encoding.
    this.decoder = new TextDecoder(encoding);
  }

  private lineEnds(text: string, last: boolean): string {
    if (!this.normalizeLineEnds) return text;
    let t = (this.pendingCR ? "\r" : "") + text;
    this.pendingCR = !last && t.endsWith("\r");
    if (this.pendingCR) t = t.slice(0, -1);
    return t.replace(/\r\n?/g, "\n");
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const text = this.lineEnds(this.decoder.decode(chunk, { stream: true }), false);
    if (text) this.push(Buffer.from(text, "utf8"));
    cb();
  }

  override _flush(cb: (e?: Error | null) => void): void {
    const text = this.lineEnds(this.decoder.decode(), true);
    if (text) this.push(Buffer.from(text, "utf8"));
    cb();
  }
}

/** Writes `src` (compressed or not, in `encoding`) to `dest` as plain UTF-8, streaming. */
export async function transcodeToUtf8(opts: {
  src: string;
  dest: string;
  compression: Compression;
  encoding: string;
  normalizeLineEnds: boolean;
}): Promise<void> {
  await pipeline(
    decodedStream(opts.src, opts.compression),
    new Utf8Transcoder(opts.encoding, opts.normalizeLineEnds),
    fs.createWriteStream(opts.dest),
  );
}
