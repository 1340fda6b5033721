import type { SessionSpec } from "../duck/tenant-sessions";
import type { Stop } from "./stopper";

/** What the engine child needs to run one query of a tenant. */
export interface EngineQuery {
  runId: string;
  session: SessionSpec;
  sql: string;
  /** Where the child writes the result Parquet (the tenant's result directory). */
  resultPath: string;
  /** Stored bytes per dataset name, for the scan quota. */
  datasetBytes: [string, bigint][];
  timeoutMs: number;
  previewRows: number;
  resultRowsLimit: bigint;
  resultBytesLimit: bigint;
}

export interface PreviewColumn {
  name: string;
  type: string;
}

export type EngineAnswer = { scanBytes: bigint; freshSession: boolean } & (
  | {
      ok: true;
      rowCount: bigint;
      engineMs: number;
      columns: PreviewColumn[];
      previewRows: unknown[];
      resultBytes: bigint;
    }
  | {
      ok: false;
      status: "FAILED" | "CANCELLED";
      error: string;
      /** The engine saw an error after which it should serve no more queries. */
      broken?: boolean;
      /** The query sandbox refused the statement (not an error of the data or the engine). */
      refused?: boolean;
    }
);

/** How the engine child is configured, passed as its one argument (JSON). */
export interface EngineOptions {
  workDir: string;
  threads: number;
  /** How long a sealed DuckDB instance stays open after its last query. */
  sessionIdleMs: number;
  maxInstances: number;
  spareMemoryLimit: string;
  /**
   * Tests only (never set from configuration): lets SQL the allowlist refuses
   * reach DuckDB, so a test can set off a real native abort in an engine.
   */
  unlisted?: boolean;
}

export type ToEngine = { type: "run"; query: EngineQuery } | { type: "stop"; runId: string; why: Stop };
export type FromEngine = { type: "ready" } | { type: "done"; runId: string; answer: EngineAnswer };

/** The message a run ends with when its engine process died under it. */
export const ENGINE_STOPPED = "The query engine stopped while running this query.";
