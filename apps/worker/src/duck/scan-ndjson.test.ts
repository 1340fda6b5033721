import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { NdjsonLineError, scanNdjson } from "./scan-ndjson";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-ndjson-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// ~3 MB, so lines straddle the 1 MB read chunks; every 997th line is cut short, some lines blank or CRLF.
const lines = Array.from({ length: 40_000 }, (_, i) => {
  if (i % 997 === 500) return `{"id": ${i + 1}, "name": "cut`;
  if (i % 1500 === 7) return "   ";
  return `{"id": ${i + 1}, "name": "name number ${i + 1} padded to make the line longer"}${i % 3 ? "" : "\r"}`;
});
const body = lines.join("\n") + "\n";
const bad = lines.flatMap((l, i) => (l.endsWith('"cut') ? [i + 1] : []));
const blank = lines.filter((l) => !l.trim()).length;

describe("scanNdjson", () => {
  it("finds every malformed line across chunk ends and writes exactly the others", async () => {
    for (const [name, bytes, compression] of [
      ["plain.ndjson", Buffer.from(body), "none"],
      ["gz.ndjson.gz", zlib.gzipSync(body), "gzip"],
    ] as const) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const cleanFile = `${file}.clean`;
      const scan = await scanNdjson({ file, compression, policy: "skip", cleanFile, keep: 5 });
      expect(scan.records, name).toBe(lines.length - blank);
      expect(scan.rejected, name).toBe(bad.length);
      expect(
        scan.rejects.map((r) => Number(r.line)),
        name,
      ).toEqual(bad.slice(0, 5));
      const kept = fs.readFileSync(cleanFile, "utf8").split("\n");
      expect(kept.filter((l) => l.trim()).length, name).toBe(lines.length - blank - bad.length);
      expect(
        kept.some((l) => l.endsWith('"cut')),
        name,
      ).toBe(false);
    }
  });

  it("fails at the first malformed line, named by its own number", async () => {
    const file = path.join(dir, "fail.ndjson");
    fs.writeFileSync(file, body);
    const err = await scanNdjson({ file, compression: "none", policy: "fail", keep: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NdjsonLineError);
    expect((err as Error).message).toMatch(new RegExp(`^line ${bad[0]} is not valid JSON`));
  });

  it("takes a last line without a line end, and a JSON value that is not an object as a reject", async () => {
    const file = path.join(dir, "tail.ndjson");
    fs.writeFileSync(file, '{"a":1}\n[1,2]\n{"a":2}');
    const scan = await scanNdjson({ file, compression: "none", policy: "skip", cleanFile: `${file}.c`, keep: 5 });
    expect([scan.records, scan.rejected]).toEqual([3, 1]);
    expect(scan.rejects[0]).toMatchObject({ line: 2n, reason: "the line is JSON but not an object" });
    expect(fs.readFileSync(`${file}.c`, "utf8")).toBe('{"a":1}\n{"a":2}\n');
  });
});
