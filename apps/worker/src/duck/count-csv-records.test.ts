import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { CsvRecordCounter } from "./count-csv-records";

/** DuckDB's own row count and sniffed dialect for a CSV text. */
async function duck(body: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "si-count-")), "f.csv");
  fs.writeFileSync(file, body);
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson()[0]!;
  const n = Number((await one(`SELECT count(*) AS n FROM read_csv('${file}')`)).n);
  const s = await one(`FROM sniff_csv('${file}')`);
  const cols = Number((await one(`SELECT count(*) AS n FROM (DESCRIBE FROM read_csv('${file}'))`)).n);
  conn.closeSync();
  inst.closeSync();
  fs.rmSync(path.dirname(file), { recursive: true });
  const str = (v: unknown) => (String(v) === "(empty)" ? "" : String(v));
  return {
    rows: n,
    header: s.HasHeader ? 1 : 0,
    dialect: {
      quote: str(s.Quote),
      escape: str(s.Escape),
      newLine: String(s.NewLineDelimiter),
      comment: str(s.Comment),
      blankIsRecord: cols === 1,
    },
  };
}

/** Fed in chunks of every size from 1 byte, so state across chunk ends is exercised. */
function count(body: string, d: ConstructorParameters<typeof CsvRecordCounter>[0], chunk: number): number {
  const c = new CsvRecordCounter(d);
  const buf = Buffer.from(body);
  for (let i = 0; i < buf.length; i += chunk) c.push(buf.subarray(i, i + chunk));
  return c.end();
}

const CASES: Record<string, string> = {
  plain: "id,name\n1,a\n2,b\n3,c\n",
  "no final line end": "id,name\n1,a\n2,b",
  "blank lines": "id,name\n1,a\n\n2,b\n\n\n3,c\n\n",
  crlf: "id,name\r\n1,a\r\n\r\n2,b\r\n",
  "quoted line ends and delimiters": 'id,note\n1,"two\nlines"\n2,"a, b"\n3,"say ""hi""\nthere"\n4,x\n',
  "crlf inside quotes": 'id,note\r\n1,"x\r\ny"\r\n2,z\r\n',
  "one column with a blank line": "v\n1\n\n2\n",
};

describe("CsvRecordCounter", () => {
  for (const [name, body] of Object.entries(CASES)) {
    it(`agrees with DuckDB: ${name}`, async () => {
      const d = await duck(body);
      for (const chunk of [1, 2, 3, 7, 1 << 16]) {
        expect(count(body, d.dialect, chunk) - d.header, `chunk ${chunk}`).toBe(d.rows);
      }
    });
  }

  it("skips comment lines and honours a backslash escape inside quotes", () => {
    const d = { quote: '"', escape: "\\", newLine: "\\n", comment: "#" };
    expect(count('#note\nid,v\n1,"a\\"\nb"\n2,c\n', d, 3)).toBe(3);
  });
});
