import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { formatBytes } from "@scrollintel/core/bytes";
import { DomainError, isDomainError } from "@scrollintel/core/errors";
import { cutProjection, cutRows } from "../duck/cut-cells";
import { duckMessage, lit } from "../duck/open-duck";
import { checkUserSql, referencedDatasets } from "../duck/sandbox";
import type { TenantSessions } from "../duck/tenant-sessions";
import type { EngineAnswer, EngineQuery } from "./engine-protocol";
import type { Stopper } from "./stopper";

/** JSON bytes of preview rows kept with a run; the grid reads the rest from the stored result. */
export const PREVIEW_BYTES = 4 * 1024 * 1024;
/**
 * DuckDB errors after which neither the instance nor its process should serve
 * another query: the engine may abort later (a background thread, a close).
 */
const FATAL = /FATAL|invalidated|INTERNAL Error|Permission Error|^Failed to query/i;

/**
 * Runs one tenant query in the engine process: checks the SQL, writes the
 * result to Parquet within the plan's row and byte limits, and reads a
 * preview with long cells cut. The query's connection is closed before the
 * answer goes back, so a native abort set off by the query (on close or by a
 * background thread) lands while the run is still open.
 */
export async function runEngineQuery(
  sessions: TenantSessions,
  q: EngineQuery,
  stopper: Stopper,
  opts: { unlisted?: boolean } = {},
): Promise<EngineAnswer> {
  const lease = await sessions.acquire(q.session);
  let scanBytes = 0n;
  let broken = false;
  try {
    stopper.attach(lease.conn);
    fs.mkdirSync(path.dirname(q.resultPath), { recursive: true });
    const sql = await checkUserSql(lease.conn, q.sql, { allowlist: !opts.unlisted }).catch((e: unknown) => {
      // A statement that is not a SELECT, or reaches past the allowlist; a syntax error is no refusal.
      const refused = isDomainError(e) && (e.code === "FORBIDDEN" || e.details?.sandbox === true);
      throw refused ? new SandboxRefusal(e.message) : e;
    });
    const read = await referencedDatasets(
      lease.conn,
      sql,
      q.datasetBytes.map(([name]) => name),
    );
    scanBytes = q.datasetBytes.filter(([name]) => read.has(name)).reduce((s, [, b]) => s + b, 0n);
    if (stopper.reason) throw new Error("INTERRUPT: stopped before the statement ran");
    const t0 = performance.now();
    const rowCount = await copyWithinLimits(lease.conn, sql, q, stopper);
    const engineMs = Math.round(performance.now() - t0);
    const resultBytes = BigInt(fs.statSync(q.resultPath).size);
    if (resultBytes > q.resultBytesLimit) throw tooManyBytes(q.resultBytesLimit);
    const preview = await readPreview(lease.conn, q.resultPath, q.previewRows);
    return { ok: true, scanBytes, freshSession: lease.fresh, rowCount, engineMs, resultBytes, ...preview };
  } catch (e) {
    broken = FATAL.test(duckMessage(e));
    fs.rmSync(q.resultPath, { force: true });
    // The lockdown itself (files, extensions, settings) answers with DuckDB's "Permission Error".
    const refused = e instanceof SandboxRefusal || /^Permission Error/i.test(duckMessage(e));
    return { ok: false, scanBytes, freshSession: lease.fresh, broken, refused, ...explainFailure(e, stopper, q) };
  } finally {
    stopper.dispose();
    lease.release(broken);
  }
}

/**
 * COPY (sql) TO Parquet, with one row more than the plan allows so an
 * oversized result is seen without writing all of it, and the file watched
 * so one past the byte limit is interrupted while it grows.
 */
async function copyWithinLimits(conn: DuckDBConnection, sql: string, q: EngineQuery, stopper: Stopper) {
  const watch = setInterval(() => {
    const size = fs.statSync(q.resultPath, { throwIfNoEntry: false })?.size ?? 0;
    if (BigInt(size) > q.resultBytesLimit) stopper.stop("bytes");
  }, 100);
  try {
    const cap = q.resultRowsLimit + 1n;
    const copied = await conn.runAndReadAll(
      `COPY (SELECT * FROM (\n${sql}\n) LIMIT ${cap}) TO ${lit(q.resultPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const rows = BigInt(String(copied.getRows()[0]?.[0] ?? 0));
    if (rows > q.resultRowsLimit) {
      throw new DomainError(
        "QUOTA_EXCEEDED",
        `The result has more than ${q.resultRowsLimit} rows, the result row limit of this workspace's plan. Aggregate or add a LIMIT.`,
      );
    }
    return rows;
  } finally {
    clearInterval(watch);
  }
}

function tooManyBytes(limit: bigint) {
  return new DomainError(
    "QUOTA_EXCEEDED",
    `The result is larger than ${formatBytes(limit)}, the result size limit of this workspace's plan. Aggregate or add a LIMIT.`,
  );
}

/** The first rows and the column types of a written result, long cells cut, within PREVIEW_BYTES. */
async function readPreview(conn: DuckDBConnection, resultPath: string, previewRows: number) {
  const from = `read_parquet(${lit(resultPath)})`;
  const { select, columns } = await cutProjection(conn, from);
  const head = await conn.runAndReadAll(`SELECT ${select} FROM ${from} LIMIT ${previewRows}`);
  return { columns, previewRows: cutRows(head.getRowObjectsJson() as Record<string, unknown>[], PREVIEW_BYTES) };
}

/** The query sandbox refused the statement before it ran (audited as a refusal by the query task). */
class SandboxRefusal extends Error {}

function explainFailure(e: unknown, stopper: Stopper, q: EngineQuery) {
  if (e instanceof SandboxRefusal) return { status: "FAILED" as const, error: e.message };
  const msg = duckMessage(e);
  const why = /interrupt/i.test(msg) ? stopper.reason : null;
  if (why === "cancel") return { status: "CANCELLED" as const, error: "Cancelled." };
  if (why === "timeout")
    return {
      status: "FAILED" as const,
      error: `Query stopped after ${q.timeoutMs} ms, the time limit of this workspace's plan.`,
    };
  if (why === "bytes") return { status: "FAILED" as const, error: tooManyBytes(q.resultBytesLimit).message };
  if (/max_temp_directory_size/.test(e instanceof Error ? e.message : String(e))) {
    const limit = formatBytes(q.session.spillBytesLimit);
    return {
      status: "FAILED" as const,
      error: `The query needed more than ${limit} of temporary disk space, the spill limit of this workspace's plan.`,
    };
  }
  return { status: "FAILED" as const, error: isDomainError(e) ? e.message : msg };
}
