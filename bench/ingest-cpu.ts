// CPU seconds a process has used (all its threads, DuckDB's included), from
// /proc (Linux). On a shared machine wall-clock ratios swing with the load of
// whoever else runs; CPU seconds for the same work barely move.
import fs from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS = 100;

export function cpuSeconds(pid: number): number {
  // Fields after the parenthesized command name; utime and stime are the 12th and 13th of those.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / TICKS;
}
