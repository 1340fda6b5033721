import { describe, expect, it } from "vitest";
import { explainDuckError } from "./explain-duck-error";
import { raggedFileError } from "./inspect-source";

describe("errors that say where", () => {
  it("names line and column of a CSV conversion error, without the scratch path", () => {
    const e = new Error(
      'Conversion Error: CSV Error on Line: 7\nOriginal Line: x,1\nError when converting column "a". Could not convert string "x" to \'BIGINT\'\n\n  file = /data/work/ingest-1/source',
    );
    expect(explainDuckError(e, "sales.csv", "/data/work/ingest-1/source")).toBe(
      'sales.csv, line 7, column "a": Could not convert string "x" to \'BIGINT\' (the line reads: x,1). Change the column\'s type, or choose the bad-row policy "skip", and re-ingest.',
    );
  });

  it("keeps the first line of other errors, with the file's name", () => {
    const e = new Error(
      'Invalid Input Error: Malformed JSON in file "/w/src", at byte 9 in line 4: unexpected character.\nLINE 1',
    );
    expect(explainDuckError(e, "events.json", "/w/src")).toBe(
      'events.json: Malformed JSON in file "events.json", at byte 9 in line 4: unexpected character.',
    );
  });

  it("explains a ragged file the sniffer read as one column", () => {
    const msg = raggedFileError("a,b,c\n1,2,3\n4,5\n", [{ name: "a,b,c", type: "VARCHAR" }]);
    expect(msg).toMatch(/line 1 has 3 ","-separated fields but line 3 has 2/);
    expect(raggedFileError("name\nAda\n", [{ name: "name", type: "VARCHAR" }])).toBeNull();
  });
});
