import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { finishResultPage, RESULT_PAGE_ROWS, startResultPage } from "@scrollintel/core/services/result-page-service";
import { readChart } from "../duck/read-chart";
import { cutProjection, cutRows } from "../duck/cut-cells";
import { closeDuck, duckMessage, lit } from "../duck/open-duck";
import { openResultSession } from "../duck/result-session";
import type { WorkerDeps } from "../worker-deps";

/**
 * query-page: one page of a stored result, in result order or sorted by one
 * column, or a chart of the whole result (duck/read-chart.ts). Ties are broken by the row's position in the file, so pages of the
 * same sort never overlap or skip a row. Long cells are cut (duck/cut-cells.ts).
 */
export function makeQueryPageTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { pageId } = JOBS["query-page"].parse(payload);
    const page = await startResultPage(deps.db, pageId);
    if (!page) return;
    const work = path.join(deps.config.dataDir, "work", `page-${page.id}`);
    try {
      const { duck, resultFile } = await openResultSession(deps, { ...page, work });
      try {
        if (page.chart) {
          const rows = await readChart(duck.conn, { ...page.chart, source: `read_parquet(${lit(resultFile)})` });
          await finishResultPage(deps.db, page.id, { rows });
          return;
        }
        const offset = page.page * RESULT_PAGE_ROWS;
        const sql = page.sort
          ? `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${lit(resultFile)}, file_row_number = true)
             ORDER BY ${quoteIdent(page.sort.column)} ${page.sort.desc ? "DESC" : "ASC"} NULLS LAST, file_row_number
             LIMIT ${RESULT_PAGE_ROWS} OFFSET ${offset}`
          : `SELECT * FROM read_parquet(${lit(resultFile)}) LIMIT ${RESULT_PAGE_ROWS} OFFSET ${offset}`;
        // Long cells are cut as in the preview: a page must not fail on one huge value.
        const { select } = await cutProjection(duck.conn, `read_parquet(${lit(resultFile)})`);
        const read = await duck.conn.runAndReadAll(`SELECT ${select} FROM (${sql}) AS page`);
        const rows = cutRows(read.getRowObjectsJson() as Record<string, unknown>[]);
        await finishResultPage(deps.db, page.id, { rows });
      } finally {
        closeDuck(duck);
      }
    } catch (e) {
      deps.log.warn({ jobId: helpers.job.id, pageId, err: duckMessage(e) }, "result page failed");
      await finishResultPage(deps.db, page.id, { error: `Could not read this page: ${duckMessage(e)}` });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
