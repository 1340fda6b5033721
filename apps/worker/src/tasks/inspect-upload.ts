import fs from "node:fs";
import path from "node:path";
import type { Task } from "graphile-worker";
import type { IntakePreview } from "@scrollintel/core/intake-options";
import { JOBS } from "@scrollintel/core/jobs";
import {
  claimInspection,
  failInspection,
  finishInspection,
  type InspectionStart,
} from "@scrollintel/core/services/intake-service";
import { explainDuckError } from "../duck/explain-duck-error";
import { closeDuck, openDuck } from "../duck/open-duck";
import { PREVIEW_HEAD_BYTES, previewSource } from "../duck/preview-source";
import { readHeadAndHash, type HeadAndHash } from "../read-head-and-hash";
import { localCopyOf } from "../source-file";
import type { WorkerDeps } from "../worker-deps";

/** Rows the preview shows: as many as the dataset page's "First rows". */
export const PREVIEW_ROWS = 50;

type Run = Extract<InspectionStart, { state: "run" }>;

/** Thrown for a file that cannot be trusted: the version fails with this message and is not retried. */
class DamagedError extends Error {}

/**
 * inspect-upload: the step before an ingest. One streaming pass over the
 * stored file gives its SHA-256 (for the duplicate check) while keeping only
 * its head, from which the preview is read with the version's options. Then
 * the version waits for a person (preview, duplicate) or goes on to ingest.
 */
export function makeInspectUploadTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { datasetVersionId } = JOBS["inspect-upload"].parse(payload);
    const log = deps.log.child({ jobId: helpers.job.id, task: "inspect-upload", datasetVersionId });
    const run = await claimInspection(deps.db, datasetVersionId);
    if (run.state === "skip") return;
    const work = path.join(deps.config.dataDir, "work", `inspect-${datasetVersionId}`);
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    try {
      const read = await readHeadAndHash(deps.storage, run.upload.storageKey, {
        headBytes: PREVIEW_HEAD_BYTES,
        // Known from an earlier inspection of this version (options changed since): not read again.
        hash: !run.version.sha256,
      });
      const sha256 = read.sha256 ?? run.version.sha256!;
      if (read.sha256) {
        const damaged = damage(read, run.upload);
        if (damaged) throw new DamagedError(damaged);
      }
      const preview = run.intake.review ? await makePreview(deps, run, read, work) : null;
      const done = await finishInspection(deps.db, datasetVersionId, { sha256, preview, options: run.options });
      log.info({ next: done.state, previewError: preview?.error ?? null }, "upload inspected");
    } catch (e) {
      if (e instanceof DamagedError) {
        await failInspection(deps.db, datasetVersionId, e.message);
        return log.warn({ err: e.message }, "upload damaged");
      }
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await failInspection(deps.db, datasetVersionId, `Inspecting the file failed: ${errText(e)}`);
      }
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Size as declared at upload, and the SHA-256 the uploader declared, if any. */
function damage(read: HeadAndHash, upload: Run["upload"]): string | null {
  if (BigInt(read.size) !== upload.sizeBytes) {
    return `${upload.filename} arrived damaged: storage holds ${read.size} bytes but ${upload.sizeBytes} were declared. Upload it again.`;
  }
  if (upload.expectedSha256 && upload.expectedSha256 !== read.sha256) {
    return `${upload.filename} arrived damaged: its SHA-256 is ${read.sha256} but the uploader declared ${upload.expectedSha256}. Upload it again.`;
  }
  return null;
}

/** The preview, or its failure as a message for the person choosing the options (never a failed job). */
async function makePreview(deps: WorkerDeps, run: Run, read: HeadAndHash, work: string): Promise<IntakePreview> {
  const duck = await openDuck({
    memoryLimit: deps.config.DUCKDB_MEMORY_LIMIT,
    threads: deps.config.DUCKDB_THREADS,
    tempDir: path.join(work, "spill"),
  });
  let whole: string | null = null;
  try {
    const found = await previewSource({
      conn: duck.conn,
      head: read.head,
      headIsWhole: read.whole,
      wholeFile: async () => (whole = await localCopyOf(deps.storage, run.upload.storageKey, path.join(work, "src"))),
      workDir: work,
      options: run.options,
      target: run.target ?? undefined,
      rows: PREVIEW_ROWS,
    });
    return { ...found, options: run.options, error: null };
  } catch (e) {
    return emptyPreview(run, explain(e, run.upload.filename, [work, whole]));
  } finally {
    closeDuck(duck);
  }
}

/** DuckDB's error with the worker's scratch paths replaced by the file's name. */
function explain(e: unknown, filename: string, paths: (string | null)[]): string {
  let msg = explainDuckError(e, filename);
  for (const p of paths) {
    if (!p) continue;
    msg = msg.replace(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^\\s'",)]*`, "g"), filename);
  }
  return msg;
}

function emptyPreview(run: Run, error: string): IntakePreview {
  return {
    options: run.options,
    format: null,
    compression: null,
    dialect: null,
    sourceColumns: [],
    columns: [],
    rows: [],
    headBytes: 0,
    wholeFile: false,
    error,
  };
}
