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

  it("names the ragged line counting fields the way a CSV reader does", () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i + 1},"Item ${i + 1}, deluxe",1.10,2024-01-02`);
    rows[76] += ",extra"; // file line 78 (line 1 is the header)
    const msg = raggedFileError(["id,item,price,date", ...rows].join("\n") + "\n");
    expect(msg).toMatch(/line 78 has 5 ","-separated fields where line 1 has 4/);
    expect(msg).toMatch(/"skip"/);
    expect(raggedFileError("name\nAda\n")).toBeNull();
    expect(raggedFileError('a,b\n"x\ny",2\n3,4\n')).toBeNull();
    expect(raggedFileError("a;b\n1;2\n3\n", { delimiter: ";" })).toMatch(/line 3 has 1 ";"-separated fields/);
  });

  it("advises skip only for rows that do not fit, never for the file's layout", () => {
    const cols = new Error(
      "Invalid Input Error: CSV Error on Line: 5\nOriginal Line: 1,2,3\nExpected Number of Columns: 2 Found: 3",
    );
    expect(explainDuckError(cols, "a.csv")).toMatch(/line 5, Expected Number of Columns.*"skip"/);
    const quote = new Error(
      'Invalid Input Error: CSV Error on Line: 9\nOriginal Line: "abc\nValue with unterminated quote found.',
    );
    expect(explainDuckError(quote, "a.csv")).toMatch(/line 9.*quote and escape characters/);
    expect(explainDuckError(quote, "a.csv")).not.toMatch(/skip/);
  });
});
