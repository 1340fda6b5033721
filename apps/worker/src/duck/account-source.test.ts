import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { sha256File } from "../source-file";
import { countSourceLines } from "./account-source";
import { CompressedStreamError } from "./decoded-stream";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "account-source-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Over 1 MiB (the read chunk) of lines of varied length, so chunks end mid-line and the reused buffer turns over. */
function csvText(lines: number): Buffer {
  const rows = Array.from({ length: lines }, (_, i) => `${i},${"x".repeat(i % 97)},${(i * 7) % 13}\n`);
  return Buffer.from(`id,pad,n\n${rows.join("")}`);
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const signal = () => new AbortController().signal;

describe("countSourceLines with a hash", () => {
  const text = csvText(40_000);

  it("counts the lines and hashes the file in the one read", async () => {
    const file = path.join(dir, "plain.csv");
    fs.writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const h = createHash("sha256");
    expect(await countSourceLines(file, "none", "\\n", signal(), h)).toBe(40_001);
    expect(h.digest("hex")).toBe(sha(text));
  });

  it("hashes a gzip file's own bytes while counting its decoded lines", async () => {
    const file = path.join(dir, "plain.csv.gz");
    const gz = zlib.gzipSync(text);
    fs.writeFileSync(file, gz);
    const h = createHash("sha256");
    expect(await countSourceLines(file, "gzip", "\\n", signal(), h)).toBe(40_001);
    expect(h.digest("hex")).toBe(sha(gz));
  });

  it("still refuses a truncated gzip stream", async () => {
    const file = path.join(dir, "cut.csv.gz");
    const gz = zlib.gzipSync(text);
    fs.writeFileSync(file, gz.subarray(0, gz.length >> 1));
    await expect(countSourceLines(file, "gzip", "\\n", signal(), createHash("sha256"))).rejects.toBeInstanceOf(
      CompressedStreamError,
    );
  });

  it("stops when aborted", async () => {
    const file = path.join(dir, "plain.csv");
    const abort = new AbortController();
    abort.abort();
    await expect(countSourceLines(file, "none", "\\n", abort.signal)).rejects.toThrow();
  });
});

describe("sha256File", () => {
  it("hashes a file of several read chunks", async () => {
    const text = csvText(40_000);
    const file = path.join(dir, "hash.csv");
    fs.writeFileSync(file, text);
    expect(await sha256File(file)).toBe(sha(text));
  });
});
