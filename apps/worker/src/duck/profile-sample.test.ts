import { describe, expect, it } from "vitest";
import { PROFILE_SAMPLE_ROWS, sampleSize, sampleSql } from "./profile-sample";

describe("profile sample", () => {
  it("keeps every row of a small table, and fewer rows of wide or long-text ones", () => {
    expect(sampleSize(5000, 7, 60)).toBe(5000);
    expect(sampleSize(16_000_000, 7, 60)).toBe(PROFILE_SAMPLE_ROWS);
    expect(sampleSize(16_000_000, 64, 60)).toBe(PROFILE_SAMPLE_ROWS / 4);
    // 100 KB texts: about 256 MB of them; never under 1,000 rows.
    expect(sampleSize(16_000_000, 2, 100_000)).toBe(2684);
    expect(sampleSize(16_000_000, 2, 300_000)).toBe(1000);
  });

  it("picks rows by global position, whatever the parts' sizes", () => {
    const ranges = (sql: string) =>
      [...sql.matchAll(/read_parquet\('(\w+)'.*?>= (\d+) AND file_row_number < (\d+)/g)].map((m) => m.slice(1));
    const one = sampleSql([{ file: "a", rows: 1_000_000 }], 1600, "*");
    const two = sampleSql(
      [
        { file: "a", rows: 250_050 },
        { file: "b", rows: 749_950 },
      ],
      1600,
      "*",
    );
    const global = (parts: string[][], sizes: Record<string, number>) =>
      parts.map(([f, lo, hi]) => {
        const off = f === "b" ? sizes.a! : 0;
        return [Number(lo) + off, Number(hi) + off];
      });
    expect(global(ranges(one), { a: 0 })).toEqual(Array.from({ length: 16 }, (_, k) => [k * 62_500, k * 62_500 + 100]));
    // The run that straddles the parts' boundary is cut in two; together they are the same rows.
    const merged = global(ranges(two), { a: 250_050 }).reduce<number[][]>((acc, r) => {
      const last = acc.at(-1);
      if (last && last[1] === r[0]) last[1] = r[1]!;
      else acc.push([...r]);
      return acc;
    }, []);
    expect(merged).toEqual(global(ranges(one), { a: 0 }));
  });
});
