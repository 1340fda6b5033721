import { describe, expect, it } from "vitest";
import { RecordCounter } from "./record-counter";

function count(parts: string[]): { records: number; format: string | null } {
  const c = new RecordCounter();
  for (const p of parts) c.push(Buffer.from(p));
  return { records: c.finish(), format: c.format };
}

describe("RecordCounter", () => {
  it("counts NDJSON lines across chunk borders, skipping blank lines, with or without a final newline", () => {
    expect(count(['{"a":1}\n\n{"a"', ':2}\n  \n{"a":3}'])).toEqual({ records: 3, format: "ndjson" });
    expect(count(['{"a":1}\r\n{"a":2}\r\n'])).toEqual({ records: 2, format: "ndjson" });
  });

  it("counts top-level elements of a JSON array, ignoring commas inside strings and objects", () => {
    expect(count([' [{"a":"x,]"},', '{"b":[1,2,{"c":3}]}, {"d":"\\"}"}]\n'])).toEqual({ records: 3, format: "array" });
    expect(count(["[]"])).toEqual({ records: 0, format: "array" });
  });

  it("refuses an unclosed array and data after it, naming the body", () => {
    expect(() => count(['[{"a":1}'])).toThrow(/not closed/);
    expect(() => count(['[{"a":1}] {"b":2}'])).toThrow(/after the closing/);
  });

  it("counts nothing in an empty or blank body", () => {
    expect(count(["", "  \n"])).toEqual({ records: 0, format: null });
  });
});
