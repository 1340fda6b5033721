import fs from "node:fs";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Decompress } from "fzstd";
import type { Compression } from "./detect-format";

const READ_CHUNK = 1024 * 1024;
/** fzstd's code for input that stops inside a frame. */
const ZSTD_UNEXPECTED_EOF = 5;

/** The compressed stream is cut short or damaged: the file can never become a dataset as it is. */
export class CompressedStreamError extends Error {}

/** A zstd decoder as a stream (fzstd has none of its own); `onError` may say a decoder error better. */
export function zstdTransform(onError: (e: Error & { code?: number }) => Error = (e) => e): Transform {
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
        cb(onError(e as Error));
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(onError(e as Error));
      }
    },
  });
}

function gzipError(e: Error & { code?: string }, size: number, at: number): CompressedStreamError {
  if (e.code === "Z_BUF_ERROR") {
    return new CompressedStreamError(
      `The gzip stream ends at byte ${size} before its end marker: the file is truncated (cut short in copying or uploading).`,
    );
  }
  return new CompressedStreamError(`The gzip stream is corrupt at or after byte ${at} (${e.message}).`);
}

/**
 * An uncompressed file's bytes to `onChunk`, read into one reused buffer: a
 * chunk is valid only during its call. A stream allocates each chunk anew,
 * which measured six times the CPU of the read itself (0.5 s a GB).
 */
export async function forEachRawChunk(
  file: string,
  onChunk: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  const fh = await fs.promises.open(file, "r");
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, READ_CHUNK);
      if (!bytesRead) return;
      onChunk(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streams a file's decoded bytes to `onChunk` with bounded memory, checking
 * the whole compressed stream: a gzip or zstd file that is truncated or has
 * a corrupt block fails with CompressedStreamError naming the byte, never
 * reads as a shorter file. `onRaw` sees the file's own bytes as they are read.
 */
export async function forEachDecodedChunk(
  file: string,
  compression: Compression,
  onChunk: (chunk: Buffer) => void | Promise<void>,
  signal?: AbortSignal,
  onRaw?: (chunk: Buffer) => void,
): Promise<void> {
  const size = fs.statSync(file).size;
  let fed = 0;
  const source = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  source.on("data", (c) => {
    fed += c.length;
    onRaw?.(c as Buffer); // no encoding set: always a Buffer
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      // An async consumer holds the stream back (backpressure) until it has dealt with the chunk.
      Promise.resolve()
        .then(() => onChunk(chunk))
        .then(() => cb(), cb);
    },
  });
  if (compression === "none") return pipeline(source, sink, { signal });
  if (compression === "zstd") {
    const decode = zstdTransform((e) =>
      e.code === ZSTD_UNEXPECTED_EOF
        ? new CompressedStreamError(
            `The zstd stream ends at byte ${size} before its end marker: the file is truncated (cut short in copying or uploading).`,
          )
        : new CompressedStreamError(
            `The zstd stream is corrupt at or after byte ${Math.max(0, fed - READ_CHUNK)} (${e.message}).`,
          ),
    );
    return pipeline(source, decode, sink, { signal });
  }
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  try {
    await pipeline(source, gunzip, sink, { signal });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code === "string" && err.code.startsWith("Z_")) throw gzipError(err, size, gunzip.bytesWritten);
    throw e;
  }
}
