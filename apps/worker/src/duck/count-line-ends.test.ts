import { describe, expect, it } from "vitest";
import { countByte, LineCounter } from "./count-line-ends";

describe("countByte", () => {
  it("counts at every alignment and length, against a plain loop", () => {
    const text = Buffer.from("a\nb\n\n\nxx\n\n\n\n\n\nq\n\n\u00e9\n\n,\n\n\n0\n");
    for (let from = 0; from < 8; from++) {
      for (let to = from; to <= text.length; to++) {
        const part = text.subarray(from, to);
        expect(countByte(part, 10), `${from}..${to}`).toBe([...part].filter((x) => x === 10).length);
      }
    }
  });

  it("never mistakes a neighbouring byte for the one counted", () => {
    const all = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));
    for (const b of [0, 1, 10, 13, 127, 128, 255]) expect(countByte(all, b)).toBe(4);
  });
});

describe("LineCounter", () => {
  it("counts a last line without a line end", () => {
    const c = new LineCounter(10);
    c.push(Buffer.from("a,b\n1,2"));
    c.push(Buffer.from("\n3,4"));
    expect(c.lines).toBe(3);
    c.push(Buffer.from("\n"));
    expect(c.lines).toBe(3);
  });
});
