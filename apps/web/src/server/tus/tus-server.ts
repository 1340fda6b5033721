import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";
import { DomainError, isDomainError } from "@scrollintel/core/errors";
import { assertId, newId, uploadKey } from "@scrollintel/core/keys";
import { localStorageRoot } from "@scrollintel/core/storage/create-storage";
import { createUpload, finishUpload, getUploadById } from "@scrollintel/core/services/upload-service";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { webConfig } from "@/env";
import { services } from "@/server/services";
import { HTTP_STATUS } from "@/server/trpc/errors";

export const UPLOAD_PATH = "/api/uploads";
/** 1 TiB: the largest single file we accept (S3 allows 5 TiB in 10,000 parts). */
export const MAX_UPLOAD_BYTES = 1024 ** 4;

/** The caller of the request being handled; the tus hooks read it from here. */
export const uploadCaller = new AsyncLocalStorage<TenantCtx>();

function callerCtx(): TenantCtx {
  const ctx = uploadCaller.getStore();
  if (!ctx) throw { status_code: 401, body: "Sign in first.\n" };
  return ctx;
}

/** A DomainError as the {status_code, body} tus sends to the client. */
function tusError(e: unknown): never {
  if (isDomainError(e)) throw { status_code: HTTP_STATUS[e.code], body: `${e.message}\n` };
  throw e;
}

function idFromKey(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

function buildServer(): Server {
  return new Server({
    path: UPLOAD_PATH,
    datastore: new FileStore({ directory: localStorageRoot(webConfig()) }),
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
      await getUploadById(services().db, callerCtx().tenantId, idFromKey(key)).catch(tusError);
    },
    onUploadCreate: async (_req, upload) => {
      const ctx = callerCtx();
      if (upload.size === undefined) tusError(new DomainError("BAD_REQUEST", "Upload-Length is required."));
      const filename = upload.metadata?.filename ?? "upload";
      await createUpload(services().db, ctx, {
        uploadId: idFromKey(upload.id),
        filename,
        sizeBytes: BigInt(upload.size),
        appendToDatasetId: upload.metadata?.datasetId ?? undefined,
      }).catch(tusError);
      return {};
    },
    onUploadFinish: async (_req, upload) => {
      const { datasetId } = await finishUpload(services().db, callerCtx(), {
        uploadId: idFromKey(upload.id),
        storedBytes: BigInt(upload.offset),
      }).catch(tusError);
      return { headers: { "Upload-Dataset-Id": datasetId } };
    },
    exposedHeaders: ["Upload-Dataset-Id"],
  });
}

const g = globalThis as unknown as { scrollintelTus?: Server };

export function tusServer(): Server {
  g.scrollintelTus ??= buildServer();
  return g.scrollintelTus;
}
