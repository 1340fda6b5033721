import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { Server, type DataStore, type Locker } from "@tus/server";
import type { Db } from "@scrollintel/core/db/client";
import { DomainError, isDomainError } from "@scrollintel/core/errors";
import { intakeFromMetadata } from "@scrollintel/core/intake-options";
import { assertId, newId, uploadKey } from "@scrollintel/core/keys";
import {
  createUpload,
  finishUpload,
  parseUploadOptions,
  touchUploadAs,
} from "@scrollintel/core/services/upload-service";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { webConfig } from "@/env";
import { services } from "@/server/services";
import { classifyError, logEdgeError } from "@/server/http/classify-error";
import { ERROR_TABLE } from "@/server/http/error-table";
import { requestScope } from "@/server/http/request-scope";
import { findBadText } from "@scrollintel/core/text-input";
import { createTusDatastore, MAX_UPLOAD_BYTES } from "./create-datastore";
import { PgLocker } from "./pg-locker";

export const UPLOAD_PATH = "/api/uploads";

/** The caller of the request being handled; the tus hooks read it from here. */
export const uploadCaller = new AsyncLocalStorage<TenantCtx>();

function callerCtx(): TenantCtx {
  const ctx = uploadCaller.getStore();
  if (!ctx) throw { status_code: 401, body: "Sign in first.\n" };
  return ctx;
}

/** Prisma's "could not start a transaction in time" (P2028): the pool is saturated; worth a retry. */
function isPoolContention(e: unknown): boolean {
  return (e as { code?: string })?.code === "P2028";
}

/** A DomainError as the {status_code, body} tus sends to the client. */
function tusError(e: unknown): never {
  if (isDomainError(e)) throw { status_code: ERROR_TABLE[e.code].http, body: `${e.message}\n` };
  if (isPoolContention(e)) throw { status_code: 409, body: "The server is busy; retry shortly.\n" };
  throw e;
}

/**
 * Anything else tus would answer (its default is a 500 carrying the error's
 * message) goes through the one error table: an outage is 503, a bug is 500
 * with only the request id, logged with its cause.
 */
function mapResponseError(e: Error | { status_code: number; body: string }) {
  if ("status_code" in e) return undefined; // already a tus answer
  const scope = requestScope.getStore();
  const edge = classifyError(e, scope?.requestId ?? "none");
  if (scope) logEdgeError(scope.log, e, edge);
  return { status_code: edge.http, body: `${edge.message}\n` };
}

/** Metadata values (filename, sha256, datasetId, options) must be text PostgreSQL can store. */
function checkMetadata(metadata: Record<string, string | null> | undefined): void {
  const bad = findBadText(metadata ?? {}, "Upload-Metadata");
  if (bad) throw { status_code: 400, body: `Upload-Metadata ${bad}\n` };
}

function idFromKey(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

export interface TusDeps {
  db: Db;
  storage: StorageDriver;
  datastore: DataStore;
  locker: Locker;
}

/**
 * Every request on an existing upload is checked against its caller (upload
 * permission, and ownership or upload.manage; a write needs an active
 * tenant), then refused if the upload is over: the upload row, not the
 * store, is the truth.
 */
async function checkRequest(db: Db, method: string, key: string): Promise<void> {
  const access = method === "HEAD" ? "read" : "write";
  const u = await touchUploadAs(db, callerCtx(), idFromKey(key), access).catch(tusError);
  if (u.status === "EXPIRED" || u.status === "TERMINATED") {
    const why = u.status === "EXPIRED" ? "expired after a day without activity" : "was cancelled";
    throw { status_code: 410, body: `This upload ${why}; start it again.\n` };
  }
  if (u.status === "COMPLETE" && method === "DELETE") {
    throw { status_code: 409, body: "This upload is complete; delete its dataset instead.\n" };
  }
}

/**
 * The finish step, idempotent: storage must hold exactly Upload-Length
 * (whatever tus counted), then the one finish transaction. Throws tus's
 * {status_code, body} on refusal.
 */
export async function finishStoredUpload(
  deps: Pick<TusDeps, "db" | "storage">,
  ctx: TenantCtx,
  key: string,
): Promise<string> {
  const stored = await deps.storage.stat(key);
  if (!stored) tusError(new DomainError("CONFLICT", "The uploaded file is missing from storage; upload it again."));
  // The tus store wrote it without syncing: the upload's bytes reach the disk before its row says COMPLETE.
  await deps.storage.settle(key);
  const { datasetId } = await finishUpload(deps.db, ctx, {
    uploadId: idFromKey(key),
    storedBytes: BigInt(stored.size),
  }).catch(tusError);
  return datasetId;
}

/** Metadata review / onDuplicate; a bad value is a 400 naming the key. */
function readIntake(metadata: Record<string, string | null> | undefined) {
  try {
    return intakeFromMetadata(metadata ?? {});
  } catch (e) {
    tusError(e);
  }
}

export function buildTusServer(deps: TusDeps): Server {
  return new Server({
    path: UPLOAD_PATH,
    datastore: deps.datastore,
    locker: deps.locker,
    maxSize: MAX_UPLOAD_BYTES,
    relativeLocation: true,
    // The object key is built here from the caller's tenant and a fresh id, never from client input.
    namingFunction: () => uploadKey(callerCtx().tenantId, newId()),
    // URLs carry only the upload id; the key is rebuilt under the *caller's* tenant, so another
    // tenant's URL points at an object that does not exist for this caller: 404.
    generateUrl: (_req, { path, id }) => `${path}/${idFromKey(id)}`,
    getFileIdFromRequest: (_req, last) => {
      try {
        return last ? uploadKey(callerCtx().tenantId, assertId(last)) : undefined;
      } catch {
        return undefined;
      }
    },
    onIncomingRequest: async (req, key) => {
      if (req.method === "POST") return; // creation: the row is made in onUploadCreate
      await checkRequest(deps.db, req.method, key);
    },
    onUploadCreate: async (_req, upload) => {
      const ctx = callerCtx();
      if (upload.size === undefined) tusError(new DomainError("BAD_REQUEST", "Upload-Length is required."));
      checkMetadata(upload.metadata);
      const options = await Promise.resolve(upload.metadata?.options).then(parseUploadOptions).catch(tusError);
      const intake = readIntake(upload.metadata);
      await createUpload(deps.db, ctx, {
        uploadId: idFromKey(upload.id),
        filename: upload.metadata?.filename ?? "upload",
        sizeBytes: BigInt(upload.size),
        expectedSha256: upload.metadata?.sha256 ?? null,
        appendToDatasetId: upload.metadata?.datasetId ?? undefined,
        options,
        intake,
      }).catch(tusError);
      return {};
    },
    onUploadFinish: async (_req, upload) => {
      const datasetId = await finishStoredUpload(deps, callerCtx(), upload.id);
      return { headers: { "Upload-Dataset-Id": datasetId } };
    },
    onResponseError: (_req, e) => mapResponseError(e),
    exposedHeaders: ["Upload-Dataset-Id", "X-Request-Id"],
  });
}

const g = globalThis as unknown as { scrollintelTus?: Server };

/** The process's tus server: storage and lock shared with every other web instance. */
export function tusServer(): Server {
  if (!g.scrollintelTus) {
    const { db, storage } = services();
    g.scrollintelTus = buildTusServer({
      db,
      storage,
      datastore: createTusDatastore(webConfig(), storage),
      locker: new PgLocker(db),
    });
  }
  return g.scrollintelTus;
}
