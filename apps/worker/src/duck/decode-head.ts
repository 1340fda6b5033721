import zlib from "node:zlib";
import { Decompress } from "fzstd";
import type { Compression } from "./detect-format";

export interface DecodedHead {
  bytes: Buffer;
  /** The decoded bytes are the whole decompressed file (the raw head was the whole file and ended cleanly). */
  whole: boolean;
}

const ZSTD_STEP = 64 * 1024;

function gunzipHead(raw: Buffer, max: number): Promise<{ out: Buffer[]; ended: boolean }> {
  return new Promise((resolve) => {
    const z = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const out: Buffer[] = [];
    let n = 0;
    let settled = false;
    const done = (ended: boolean) => {
      if (settled) return;
      settled = true;
      z.removeAllListeners("data");
      z.destroy();
      resolve({ out, ended });
    };
    z.on("data", (c: Buffer) => {
      out.push(c);
      n += c.length;
      if (n >= max) done(false);
    });
    z.on("end", () => done(true));
    // A raw head cut inside the stream: what was decoded before the cut is the head.
    z.on("error", () => done(false));
    z.end(raw);
  });
}

function unzstdHead(raw: Buffer, max: number): { out: Buffer[]; ended: boolean } {
  const out: Buffer[] = [];
  let n = 0;
  const d = new Decompress((chunk) => {
    out.push(Buffer.from(chunk));
    n += chunk.length;
  });
  try {
    for (let i = 0; i < raw.length && n < max; i += ZSTD_STEP) {
      const last = i + ZSTD_STEP >= raw.length;
      d.push(raw.subarray(i, i + ZSTD_STEP), last);
    }
  } catch {
    return { out, ended: false };
  }
  return { out, ended: n < max };
}

/**
 * At most `max` decoded bytes of a file's first raw bytes: a compressed
 * head is decoded as far as it goes and never past `max`, so a small
 * compressed head that inflates to gigabytes costs `max` of memory.
 */
export async function decodeHead(
  raw: Buffer,
  compression: Compression,
  opts: { max: number; rawIsWhole: boolean },
): Promise<DecodedHead> {
  if (compression === "none") {
    const bytes = raw.subarray(0, opts.max);
    return { bytes, whole: opts.rawIsWhole && bytes.length === raw.length };
  }
  const r = compression === "gzip" ? await gunzipHead(raw, opts.max) : unzstdHead(raw, opts.max);
  const all = Buffer.concat(r.out);
  const bytes = all.subarray(0, opts.max);
  return { bytes, whole: opts.rawIsWhole && r.ended && all.length <= opts.max };
}
