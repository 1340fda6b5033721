import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Decompress } from "fzstd";
import { DomainError } from "../errors";
import type { StorageDriver } from "../storage/storage-driver";
import { RecordCounter } from "./record-counter";

export type BodyEncoding = "identity" | "gzip" | "zstd";

/** Content-Encoding → how the segment is stored (as sent) and decoded for counting. */
export function parseBodyEncoding(header: string | null): BodyEncoding {
  const v = (header ?? "").trim().toLowerCase();
  if (v === "" || v === "identity") return "identity";
  if (v === "gzip" || v === "x-gzip") return "gzip";
  if (v === "zstd") return "zstd";
  throw new DomainError("BAD_REQUEST", "Content-Encoding: send identity, gzip or zstd.");
}

export const ENCODING_EXT: Record<BodyEncoding, string> = { identity: "", gzip: ".gz", zstd: ".zst" };

export interface WrittenSegment {
  bytes: number;
  decodedBytes: number;
  records: number;
  format: "ndjson" | "array";
}

/** Fails the stream once more than `max` bytes went through it (413 naming the limit). */
function byteLimit(max: number, what: string): Transform & { seen: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      t.seen += chunk.length;
      if (t.seen > max) cb(new DomainError("QUOTA_EXCEEDED", `${what} is larger than the limit of ${max} bytes.`));
      else cb(null, chunk);
    },
  }) as Transform & { seen: number };
  t.seen = 0;
  return t;
}

/** Decodes the body for counting only; the stored object keeps the bytes as sent. */
function decoder(
  encoding: BodyEncoding,
  onData: (b: Uint8Array) => void,
): { push(b: Buffer): void; end(): Promise<void> } {
  if (encoding === "identity") return { push: onData, end: async () => undefined };
  if (encoding === "zstd") {
    const z = new Decompress((chunk) => onData(chunk));
    return {
      push: (b) => z.push(b),
      end: async () => {
        try {
          z.push(new Uint8Array(0), true);
        } catch {
          throw new DomainError("BAD_REQUEST", "body: not valid zstd data (Content-Encoding: zstd).");
        }
      },
    };
  }
  const g = zlib.createGunzip();
  g.on("data", (c: Buffer) => onData(c));
  const done = new Promise<void>((resolve, reject) => {
    g.on("end", resolve);
    g.on("error", () => reject(new DomainError("BAD_REQUEST", "body: not valid gzip data (Content-Encoding: gzip).")));
  });
  return {
    push: (b) => g.write(b),
    end: async () => {
      g.end();
      await done;
    },
  };
}

/**
 * Streams a request body into one stored object while counting its records:
 * nothing is held whole, the body is cut off past `maxBytes` (as sent) or
 * `maxDecodedBytes` (decoded), and the object appears only when complete.
 */
export async function writeSegment(
  storage: StorageDriver,
  input: { key: string; body: Readable; encoding: BodyEncoding; maxBytes: number; maxDecodedBytes: number },
): Promise<WrittenSegment> {
  const counter = new RecordCounter();
  let decodeError: unknown = null;
  const dec = decoder(input.encoding, (chunk) => {
    if (decodeError) return;
    try {
      counter.push(chunk);
      if (counter.decodedBytes > input.maxDecodedBytes) {
        throw new DomainError(
          "QUOTA_EXCEEDED",
          `The decoded body is larger than the limit of ${input.maxDecodedBytes} bytes.`,
        );
      }
    } catch (e) {
      decodeError = e;
    }
  });
  const limit = byteLimit(input.maxBytes, "The request body");
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        dec.push(chunk);
      } catch (e) {
        decodeError ??= e;
      }
      cb(decodeError as Error | null, chunk);
    },
  });
  const out = new PassThrough();
  const put = storage.put(input.key, out);
  try {
    await pipeline(input.body, limit, tap, out);
    await dec.end();
  } catch (e) {
    out.on("error", () => undefined); // the put below sees it
    out.destroy(new Error("segment body aborted"));
    await put.catch(() => undefined);
    throw decodeError ?? e;
  }
  await put;
  if (decodeError) throw decodeError;
  const records = counter.finish();
  if (records === 0 || !counter.format)
    throw new DomainError("BAD_REQUEST", "body: no records (send NDJSON or a JSON array).");
  return { bytes: limit.seen, decodedBytes: counter.decodedBytes, records, format: counter.format };
}
