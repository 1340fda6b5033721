// Uploads in flight with storage encryption on, on local disk and the S3 test
// server: no stored byte of an unfinished upload is plaintext (PATCHes ending
// mid-chunk included); a PATCH cut mid-body and a crash between storing frames
// and the waiting tail both resume to a file the worker ingests with the right
// rows and checksum; another tenant's key opens neither the upload nor its tail.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import type { Server } from "@tus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { decodeAppendState, openTail, sealStateKey } from "@scrollintel/core/crypto/sealed-append";
import { LocalKeyWrapper } from "@scrollintel/core/crypto/key-wrapper";
import { TenantKeyring } from "@scrollintel/core/crypto/tenant-keyring";
import { createTenantStorage } from "@scrollintel/core/storage/create-tenant-storage";
import { EncryptedStorage } from "@scrollintel/core/storage/encrypted-storage";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { createMember, createTenant, ctxOf } from "../../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../../test/worker-harness";
import { makeIngestTask } from "../../../../worker/src/tasks/ingest";
import { createTusDatastore } from "./create-datastore";
import { handleUpload } from "./handle-upload";
import { PgLocker } from "./pg-locker";
import { buildTusServer } from "./tus-server";

const KiB = 1024;
const MiB = 1024 * KiB;
const MASTER_KEY = randomBytes(32).toString("base64");
const MARKER = "Quetzal-Plain-Marker";
const ROWS = 80_000;
/** About 2.9 MiB of CSV whose every line carries the marker. */
const CSV = Buffer.from(
  ["id,city,amount", ...Array.from({ length: ROWS }, (_, i) => `${i},${MARKER}-${i % 7},${i}.25`), ""].join("\n"),
);
const SHA = createHash("sha256").update(CSV).digest("hex");

let t: TestDb;
let s3: TestS3;
let s3Dir: string;
let tmp: string;
let ctx: TenantCtx;
let other: TenantCtx;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-sealed-tus-"));
  s3Dir = path.join(tmp, "bucket");
  s3 = await startTestS3({ dir: s3Dir });
  ctx = ctxOf(await createMember(t.db, await createTenant(t.db), "ANALYST"));
  other = ctxOf(await createMember(t.db, await createTenant(t.db), "ANALYST"));
});
afterAll(async () => {
  await s3.stop();
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.each(["local", "s3"])("sealed tus store on %s", (driver) => {
  let storage: EncryptedStorage;
  let server: Server;
  let storedRoot: string;
  const keyOf = (url: string, c = ctx) => `tenants/${c.tenantId}/uploads/${url.split("/").pop()}`;

  beforeAll(() => {
    const config = parseConfig({
      DATA_DIR: path.join(tmp, driver),
      STORAGE_ENCRYPTION: "on",
      STORAGE_MASTER_KEY: MASTER_KEY,
      ...(driver === "s3" ? s3.env : {}),
    });
    storage = createTenantStorage(config, t.db) as EncryptedStorage;
    const datastore = createTusDatastore(config, storage);
    server = buildTusServer({ db: t.db, storage, datastore, locker: new PgLocker(t.db) });
    storedRoot = driver === "s3" ? s3Dir : path.join(tmp, driver, "storage");
  });

  function tus(url: string, method: string, headers: Record<string, string> = {}, body?: AsyncIterable<Buffer>) {
    const req = new Request(url, {
      method,
      headers: { "Tus-Resumable": "1.0.0", ...headers },
      body: body as unknown as BodyInit,
      duplex: "half",
    } as RequestInit);
    return handleUpload(req, ctx, { db: t.db, storage, server });
  }

  async function create(): Promise<string> {
    const meta = `filename ${Buffer.from("cities.csv").toString("base64")}`;
    const res = await tus("http://web/api/uploads", "POST", {
      "Upload-Length": String(CSV.length),
      "Upload-Metadata": meta,
    });
    expect(res.status).toBe(201);
    return new URL(res.headers.get("location")!, "http://web").toString();
  }

  /** CSV[from, to) in 64 KiB pieces; with `cutAfter`, the body fails after that many bytes (a dropped connection). */
  async function* bytes(from: number, to: number, cutAfter = Infinity): AsyncGenerator<Buffer> {
    for (let at = from; at < to; at += 64 * KiB) {
      if (at - from >= cutAfter) throw new Error("connection reset");
      yield CSV.subarray(at, Math.min(to, at + 64 * KiB));
    }
  }

  const patch = (url: string, from: number, to: number, cutAfter?: number) =>
    tus(
      url,
      "PATCH",
      { "Upload-Offset": String(from), "content-type": "application/offset+octet-stream" },
      bytes(from, to, cutAfter),
    );

  async function offsetOf(url: string): Promise<number> {
    const head = await tus(url, "HEAD");
    expect(head.status).toBe(200);
    return Number(head.headers.get("upload-offset"));
  }

  it("stores no plaintext while the upload is in flight, a PATCH ending mid-chunk included", async () => {
    const url = await create();
    const sent = 2 * MiB + 123_457; // two whole chunks and a piece of the third
    expect((await patch(url, 0, sent)).status).toBe(204);
    expect(await offsetOf(url)).toBe(sent);
    const files = filesUnder(storedRoot);
    const total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    expect(total).toBeGreaterThan(sent); // the bytes are there, sealed
    for (const f of files) {
      const raw = fs.readFileSync(f);
      expect(raw.includes(Buffer.from(MARKER)), f).toBe(false);
      expect(raw.includes(Buffer.from("id,city,amount")), f).toBe(false);
    }
    expect(await storage.raw.stat(sealStateKey(keyOf(url)))).not.toBeNull();
    expect((await patch(url, sent, CSV.length)).status).toBe(204);
    expect(await storage.raw.stat(sealStateKey(keyOf(url)))).toBeNull(); // done: no waiting tail
    expect(
      createHash("sha256")
        .update(await buffer(await storage.get(keyOf(url))))
        .digest("hex"),
    ).toBe(SHA);
  });

  it("resumes after a cut PATCH and after a crash before the tail was saved; the worker ingests the right rows", async () => {
    const url = await create();
    const key = keyOf(url);
    const cut = await patch(url, 0, CSV.length, MiB + 300 * KiB);
    expect(cut.status).not.toBe(204);
    const afterCut = await offsetOf(url);
    expect(afterCut).toBeLessThanOrEqual(MiB + 300 * KiB);

    // A PATCH that stores frames, then "crashes" before the tail is saved: the old tail is put back.
    const before = await buffer(await storage.raw.get(sealStateKey(key)));
    const to = afterCut + MiB + 77_777;
    expect((await patch(url, afterCut, to)).status).toBe(204);
    await storage.raw.put(sealStateKey(key), Readable.from([before]));
    const resumed = await offsetOf(url);
    expect(resumed % MiB).toBe(0); // back to the last whole stored chunk: the stale tail is ignored
    expect(resumed).toBeGreaterThan(afterCut - MiB);
    expect(resumed).toBeLessThan(to);

    const done = await patch(url, resumed, CSV.length);
    expect(done.status).toBe(204);
    const datasetId = done.headers.get("upload-dataset-id");
    expect(datasetId).toMatch(/^c[a-z0-9]+$/);
    const version = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId: datasetId! } });
    const base = makeWorkerDeps(t.db, { STORAGE_ENCRYPTION: "on", STORAGE_MASTER_KEY: MASTER_KEY });
    try {
      await runTask(makeIngestTask({ ...base, storage }), { datasetVersionId: version.id });
    } finally {
      base.cleanup();
    }
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: version.id } });
    expect(v).toMatchObject({ status: "READY", rowCount: BigInt(ROWS), sha256: SHA });
  });

  it("another tenant's key opens neither a finished upload nor an unfinished one's waiting tail", async () => {
    const url = await create();
    expect((await patch(url, 0, MiB + 5000)).status).toBe(204);
    const state = decodeAppendState(await buffer(await storage.raw.get(sealStateKey(keyOf(url)))), "state");
    const theirs = await storage.keyring.keyFor(other.tenantId, await storage.keyring.currentVersion(other.tenantId));
    expect(() => openTail(theirs, state, "tail")).toThrow(/failed authentication/);
    const own = await storage.keyring.keyFor(ctx.tenantId, state.header.keyVersion);
    expect(openTail(own, state, "tail").equals(CSV.subarray(MiB, MiB + 5000))).toBe(true);

    expect((await patch(url, MiB + 5000, CSV.length)).status).toBe(204);
    // The sealed object planted under the other tenant's key, and read with another master key.
    const planted = `tenants/${other.tenantId}/uploads/${"p".repeat(12)}`;
    await storage.raw.put(planted, await storage.raw.get(keyOf(url)));
    await expect(buffer(await storage.get(planted))).rejects.toThrow(/failed authentication/);
    const stranger = new EncryptedStorage(storage.raw, new TenantKeyring(t.db, new LocalKeyWrapper(randomBytes(32))));
    await expect(buffer(await stranger.get(keyOf(url)))).rejects.toThrow(/not configured/);
  });
});
