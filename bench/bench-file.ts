// The benchmark's input and its baseline: a file written from random blocks,
// and a plain streamed copy of it (what `cp` does, without copy offload).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { pipeline } from "node:stream/promises";

const BLOCK = 8 * 1024 * 1024;

/** Writes `bytes` of incompressible data; each block differs, so no layer can deduplicate it. */
export async function makeBenchFile(file: string, bytes: number): Promise<void> {
  const block = randomBytes(BLOCK);
  const fd = fs.openSync(file, "w");
  try {
    for (let off = 0, i = 0; off < bytes; off += BLOCK, i++) {
      block.writeUInt32LE(i, 0);
      fs.writeSync(fd, block, 0, Math.min(BLOCK, bytes - off));
    }
    fs.fsyncSync(fd); // so the copy and the upload start from the same clean page cache state
  } finally {
    fs.closeSync(fd);
  }
}

/** Seconds to stream-copy `from` to `to`; the copy is flushed (untimed) and removed afterwards. */
export async function timedCopy(from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await pipeline(fs.createReadStream(from, { highWaterMark: BLOCK }), fs.createWriteStream(to));
  const secs = (performance.now() - t0) / 1000;
  const fd = fs.openSync(to, "r+");
  fs.fsyncSync(fd); // its write-back must not slow the upload that follows
  fs.closeSync(fd);
  fs.rmSync(to);
  return secs;
}
