// The tus protocol as our server speaks it, over real HTTP with tus-js-client,
// on both storage drivers: creation, creation-with-upload, resume,
// termination, expiration and the tenant wall; each with storage encryption
// off and on (then the sealed tus store seals every byte before it is stored). Auth is the route's job (see
// the e2e tests); here a test header picks the caller's TenantCtx.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { DataStore } from "@tus/server";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { expireIdleUploads } from "@scrollintel/core/services/upload-service";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { rawStorage } from "@scrollintel/core/storage/encrypted-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { makeRandomFile } from "../../../../../test/random-file";
import { startTestS3, type TestS3 } from "../../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { createTusDatastore } from "./create-datastore";
import { handleUpload } from "./handle-upload";
import { PgLocker } from "./pg-locker";
import { buildTusServer } from "./tus-server";

const MiB = 1024 * 1024;
/** One master key for both drivers: the tenants' data keys live in the one database. */
const MASTER_KEY = randomBytes(32).toString("base64");
let t: TestDb;
let s3: TestS3;
let tmp: string;
let a: TestUser;
let b: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-tus-"));
  a = await createMember(t.db, await createTenant(t.db), "ANALYST");
  b = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  await s3.stop();
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A plain Node HTTP server in front of handleUpload, as the Next route is. */
async function serve(storage: StorageDriver, config: ReturnType<typeof parseConfig>) {
  const datastore = createTusDatastore(config, storage);
  const server = buildTusServer({ db: t.db, storage, datastore, locker: new PgLocker(t.db) });
  const ctxs: Record<string, TenantCtx> = { a: ctxOf(a), b: ctxOf(b) };
  const srv = http.createServer((req, res) => {
    const ctx = ctxs[String(req.headers["x-test-caller"])];
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: "half",
    } as RequestInit);
    void (
      ctx
        ? handleUpload(request, ctx, { db: t.db, storage, server })
        : Promise.resolve(new Response(null, { status: 401 }))
    )
      .then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(r.body ? Buffer.from(await r.arrayBuffer()) : undefined);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}/api/uploads`, datastore, close: () => srv.close() };
}

function makeFile(bytes: number) {
  return makeRandomFile(tmp, bytes);
}

async function shaOf(storage: StorageDriver, key: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of await storage.get(key)) h.update(c as Buffer);
  return h.digest("hex");
}

/** Runs a tus-js-client upload to success or error; `stopAfterChunk` aborts it (no termination) after that chunk. */
function upload(
  endpoint: string,
  file: string,
  opts: { chunkSize?: number; uploadUrl?: string; stopAfterChunk?: number; duringCreation?: boolean } = {},
) {
  return new Promise<{ url: string; datasetId?: string; stopped: boolean; firstOffset: number | null }>(
    (resolve, reject) => {
      let chunks = 0;
      let firstOffset: number | null = null;
      const up: tus.Upload = new tus.Upload(fs.createReadStream(file), {
        endpoint,
        uploadUrl: opts.uploadUrl,
        chunkSize: opts.chunkSize ?? 4 * MiB,
        uploadDataDuringCreation: opts.duringCreation ?? false,
        headers: { "x-test-caller": "a" },
        metadata: { filename: "data.csv" },
        retryDelays: null,
        onBeforeRequest: (req) => {
          if (firstOffset === null && req.getMethod() === "PATCH") {
            firstOffset = Number(req.getHeader("Upload-Offset"));
          }
        },
        onChunkComplete: () => {
          if (++chunks === opts.stopAfterChunk) {
            void up.abort(false).then(() => resolve({ url: up.url!, stopped: true, firstOffset }));
          }
        },
        onSuccess: ({ lastResponse }) =>
          resolve({
            url: up.url!,
            datasetId: lastResponse.getHeader("Upload-Dataset-Id"),
            stopped: false,
            firstOffset,
          }),
        onError: reject,
      });
      up.start();
    },
  );
}

function req(url: string, method: string, caller = "a", extra: Record<string, string> = {}, body?: string) {
  return fetch(url, { method, body, headers: { "Tus-Resumable": "1.0.0", "x-test-caller": caller, ...extra } });
}

describe.each([
  ["local", "off"],
  ["s3", "off"],
  ["local", "on"],
  ["s3", "on"],
])("tus uploads on %s storage, encryption %s", (driver, encryption) => {
  let storage: StorageDriver;
  let endpoint: string;
  let datastore: DataStore;
  let close: () => void;
  const keyOf = (url: string) => `tenants/${a.tenantId}/uploads/${url.split("/").pop()}`;

  beforeAll(async () => {
    const config = parseConfig({
      DATA_DIR: path.join(tmp, `${driver}-${encryption}`),
      STORAGE_ENCRYPTION: encryption,
      STORAGE_MASTER_KEY: MASTER_KEY,
      ...(driver === "s3" ? s3.env : {}),
    });
    storage = encryption === "on" ? createTenantStorage(config, t.db) : createStorage(config);
    ({ endpoint, datastore, close } = await serve(storage, config));
  });
  afterAll(() => close());

  it("stores in chunks exactly the bytes sent, and finishes into a dataset", async () => {
    const { file, sha } = makeFile(13 * MiB + 7);
    // The stored bytes are made durable before the upload's row says COMPLETE.
    const settled: string[] = [];
    const settle = storage.settle.bind(storage);
    const spy = vi.spyOn(storage, "settle").mockImplementation(async (key) => {
      await settle(key);
      const row = await t.db.upload.findFirst({ where: { storageKey: key } });
      settled.push(`${key} ${row?.status}`);
    });
    const r = await upload(endpoint, file, { chunkSize: 5 * MiB }).finally(() => spy.mockRestore());
    expect(settled).toEqual([`${keyOf(r.url)} CREATED`]);
    expect(r.datasetId).toMatch(/^c[a-z0-9]+$/);
    expect(await shaOf(storage, keyOf(r.url))).toBe(sha);
    const row = await t.db.upload.findFirstOrThrow({ where: { storageKey: keyOf(r.url) } });
    expect(row).toMatchObject({ status: "COMPLETE", sizeBytes: BigInt(13 * MiB + 7), datasetId: r.datasetId });
  });

  it("takes reading options as JSON metadata, refusing invalid ones at creation with the option named", async () => {
    const b64 = (v: string) => Buffer.from(v).toString("base64");
    const meta = (options: string) => `filename ${b64("latin.csv")},options ${b64(options)}`;
    const bad = await req(endpoint, "POST", "a", {
      "Upload-Length": "10",
      "Upload-Metadata": meta('{"encoding":"x"}'),
    });
    expect(bad.status).toBe(400);
    await expect(bad.text()).resolves.toMatch(/Metadata options: encoding: an encoding TextDecoder knows/);
    const good = await req(endpoint, "POST", "a", {
      "Upload-Length": "10",
      "Upload-Metadata": meta('{"encoding":"latin1","jsonLayout":"document"}'),
    });
    expect(good.status).toBe(201);
    const row = await t.db.upload.findFirstOrThrow({ where: { storageKey: keyOf(good.headers.get("location")!) } });
    expect(row.ingestOptions).toMatchObject({ encoding: "latin1", jsonLayout: "document" });
  });

  it("keeps the preview and duplicate choices of Upload-Metadata, and refuses an unknown one", async () => {
    const b64 = (v: string) => Buffer.from(v).toString("base64");
    const meta = (dup: string) => `filename ${b64("d.csv")},review ${b64("1")},onDuplicate ${b64(dup)}`;
    const ok = await req(endpoint, "POST", "a", { "Upload-Length": "10", "Upload-Metadata": meta("replace") });
    expect(ok.status).toBe(201);
    const row = await t.db.upload.findFirstOrThrow({ where: { storageKey: keyOf(ok.headers.get("location")!) } });
    expect(row.intake).toEqual({ review: true, onDuplicate: "replace" });
    const bad = await req(endpoint, "POST", "a", { "Upload-Length": "10", "Upload-Metadata": meta("overwrite") });
    expect(bad.status).toBe(400);
    await expect(bad.text()).resolves.toMatch(/onDuplicate must be one of/);
  });

  it("finishes a small file within the creation request (creation-with-upload)", async () => {
    const { file, sha } = makeFile(1000);
    const r = await upload(endpoint, file, { duringCreation: true });
    expect(r.firstOffset).toBeNull(); // no PATCH was needed
    expect(r.datasetId).toBeDefined();
    expect(await shaOf(storage, keyOf(r.url))).toBe(sha);
  });

  it("resumes an interrupted upload from the stored offset, byte-identical", async () => {
    const { file, sha } = makeFile(10 * MiB + 3);
    const first = await upload(endpoint, file, { chunkSize: 4 * MiB, stopAfterChunk: 1 });
    expect(first.stopped).toBe(true);
    const head = await req(first.url, "HEAD");
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("upload-offset"))).toBe(4 * MiB);
    expect(head.headers.get("upload-expires")).toMatch(/GMT$/);
    // The deadline follows the tenant's retention policy (uploadHours), not a fixed day.
    await t.db.tenantRetention.create({ data: { tenantId: a.tenantId, uploadHours: 3 } });
    const again = await req(first.url, "HEAD");
    const hoursLeft = (Date.parse(again.headers.get("upload-expires")!) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(2.9);
    expect(hoursLeft).toBeLessThanOrEqual(3);
    await t.db.tenantRetention.delete({ where: { tenantId: a.tenantId } });
    const second = await upload(endpoint, file, { chunkSize: 4 * MiB, uploadUrl: first.url });
    expect(second.firstOffset).toBe(4 * MiB);
    expect(second.datasetId).toBeDefined();
    expect(await shaOf(storage, keyOf(first.url))).toBe(sha);
  });

  it("terminates: bytes gone, reservation back, later requests 410", async () => {
    const quota = () => t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: a.tenantId } });
    const before = await quota();
    const { file } = makeFile(9 * MiB);
    const r = await upload(endpoint, file, { chunkSize: 4 * MiB, stopAfterChunk: 1 });
    expect((await quota()).storageBytesReserved - before.storageBytesReserved).toBe(BigInt(9 * MiB));
    expect((await req(r.url, "DELETE")).status).toBe(204);
    expect((await quota()).storageBytesReserved).toBe(before.storageBytesReserved);
    for await (const o of storage.list(keyOf(r.url))) throw new Error(`left behind: ${o.key}`);
    expect((await req(r.url, "HEAD")).status).toBe(410);
    const patch = await req(r.url, "PATCH", "a", {
      "Upload-Offset": String(4 * MiB),
      "content-type": "application/offset+octet-stream",
    });
    expect(patch.status).toBe(410);
  });

  it("expires an abandoned upload through the sweep: bytes and reservation released, then 410", async () => {
    const { file } = makeFile(6 * MiB);
    const r = await upload(endpoint, file, { chunkSize: 4 * MiB, stopAfterChunk: 1 });
    const key = keyOf(r.url);
    await t.db.upload.updateMany({ where: { storageKey: key }, data: { lastActivityAt: new Date(0) } });
    expect((await expireIdleUploads(t.db, storage)).expired).toBe(1);
    expect((await t.db.upload.findFirstOrThrow({ where: { storageKey: key } })).status).toBe("EXPIRED");
    for await (const o of storage.list(key)) throw new Error(`left behind: ${o.key}`);
    if (driver === "s3") {
      expect(
        await (rawStorage(storage) as unknown as { abortUploads(p: string): Promise<number> }).abortUploads(key),
      ).toBe(0);
    }
    expect((await req(r.url, "HEAD")).status).toBe(410);
  });

  it("finishes on HEAD an upload whose bytes are stored but whose finish never ran", async () => {
    const { file, sha } = makeFile(6 * MiB);
    const r = await upload(endpoint, file, { chunkSize: 4 * MiB, stopAfterChunk: 1 });
    // The rest of the bytes reach the store, but the finish hook does not run (a crash in between).
    const rest = fs.createReadStream(file, { start: 4 * MiB });
    await datastore.write(rest, keyOf(r.url), 4 * MiB);
    expect((await t.db.upload.findFirstOrThrow({ where: { storageKey: keyOf(r.url) } })).status).toBe("CREATED");
    const head = await req(r.url, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(6 * MiB));
    const datasetId = head.headers.get("upload-dataset-id");
    expect(datasetId).toMatch(/^c[a-z0-9]+$/);
    expect(await t.db.upload.findFirstOrThrow({ where: { storageKey: keyOf(r.url) } })).toMatchObject({
      status: "COMPLETE",
      datasetId,
    });
    // Asking again names the same dataset.
    expect((await req(r.url, "HEAD")).headers.get("upload-dataset-id")).toBe(datasetId);
    expect(await shaOf(storage, keyOf(r.url))).toBe(sha);
  });

  it("answers another tenant's HEAD, PATCH and DELETE with 404 and changes nothing", async () => {
    const { file } = makeFile(5 * MiB);
    const r = await upload(endpoint, file, { chunkSize: 4 * MiB, stopAfterChunk: 1 });
    expect((await req(r.url, "HEAD", "b")).status).toBe(404);
    const patch = await req(
      r.url,
      "PATCH",
      "b",
      { "Upload-Offset": String(4 * MiB), "content-type": "application/offset+octet-stream" },
      "x".repeat(100),
    );
    expect(patch.status).toBe(404);
    expect((await req(r.url, "DELETE", "b")).status).toBe(404);
    const own = await req(r.url, "HEAD");
    expect(own.status).toBe(200);
    expect(own.headers.get("upload-offset")).toBe(String(4 * MiB));
  });
});
