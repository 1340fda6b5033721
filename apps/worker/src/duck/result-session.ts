import path from "node:path";
import { tenantOfKey } from "@scrollintel/core/keys";
import { localPathFor } from "../local-path-for";
import type { WorkerDeps } from "../worker-deps";
import { takeDuck } from "./spare-duck";
import { lockDownSession } from "./sandbox";

/**
 * A locked-down DuckDB session that can read one stored result of `tenantId`
 * (and write `outPath`, when given): no views, no other files, external
 * access off, configuration locked. Only our own SQL runs in it.
 */
export async function openResultSession(
  deps: WorkerDeps,
  opts: { tenantId: string; resultKey: string; work: string; outPath?: string },
) {
  if (tenantOfKey(opts.resultKey) !== opts.tenantId) throw new Error("result object belongs to another tenant");
  const resultFile = await localPathFor(deps, opts.resultKey);
  const limits = {
    memoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
    threads: deps.config.DUCKDB_THREADS,
    tempDir: path.join(opts.work, "spill"),
  };
  const duck = await takeDuck(deps.spareDuck, limits);
  await lockDownSession(duck.conn, {
    datasets: [],
    resultPath: resultFile,
    extraPaths: opts.outPath ? [opts.outPath] : [],
  });
  return { duck, resultFile };
}
