// Upload memory does not grow with the work: a PATCH body is streamed to the
// store as the store takes it (never buffered whole, whatever the chunk size),
// and many PATCHes leave the heap where they found it. Deterministic: it counts
// bytes and compares heaps after forced GCs, it times nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";
import type { Server } from "@tus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import type { TenantCtx } from "@scrollintel/core/tenant-context";
import { createMember, createTenant, ctxOf } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { createTusDatastore } from "./create-datastore";
import { handleUpload } from "./handle-upload";
import { PgLocker } from "./pg-locker";
import { buildTusServer } from "./tus-server";

const KiB = 1024;
const MiB = 1024 * KiB;
let t: TestDb;
let tmp: string;
let ctx: TenantCtx;
let storage: StorageDriver;
let server: Server;
/** Bytes the store has taken from request bodies so far. */
let consumed = 0;

beforeAll(async () => {
  t = await createTestDb();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-tus-mem-"));
  ctx = ctxOf(await createMember(t.db, await createTenant(t.db), "ANALYST"));
  const config = parseConfig({ DATA_DIR: tmp });
  storage = createStorage(config);
  const datastore = createTusDatastore(config);
  const write = datastore.write.bind(datastore);
  const count = () =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        consumed += chunk.length;
        done(null, chunk);
      },
    });
  datastore.write = (readable: Readable, id: string, offset: number) => write(readable.pipe(count()), id, offset);
  server = buildTusServer({ db: t.db, storage, datastore, locker: new PgLocker(t.db) });
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A request as the Next route handler receives it: its body is the socket, an async iterable of fresh Buffers. */
function tusRequest(url: string, method: string, headers: Record<string, string>, body?: AsyncIterable<Buffer>) {
  return new Request(url, {
    method,
    headers: { "Tus-Resumable": "1.0.0", ...headers },
    body: body as unknown as BodyInit,
    duplex: "half",
  } as RequestInit);
}

async function createUpload(size: number): Promise<string> {
  const meta = `filename ${Buffer.from("mem.csv").toString("base64")}`;
  const req = tusRequest("http://web/api/uploads", "POST", { "Upload-Length": String(size), "Upload-Metadata": meta });
  const res = await handleUpload(req, ctx, { db: t.db, storage, server });
  expect(res.status).toBe(201);
  return new URL(res.headers.get("location")!, "http://web").toString();
}

async function patch(url: string, offset: number, body: AsyncIterable<Buffer>): Promise<Response> {
  const headers = { "Upload-Offset": String(offset), "content-type": "application/offset+octet-stream" };
  return handleUpload(tusRequest(url, "PATCH", headers, body), ctx, { db: t.db, storage, server });
}

/** `bytes` in 64 KiB socket-sized pieces; `onPull` sees how many bytes were handed out before each one. */
async function* socketBody(bytes: number, onPull: (handedOut: number) => void = () => undefined) {
  for (let sent = 0; sent < bytes; sent += 64 * KiB) {
    onPull(sent);
    yield Buffer.alloc(Math.min(64 * KiB, bytes - sent), sent & 0xff);
  }
}

describe("upload memory", () => {
  it("streams a 64 MiB PATCH to the store: the body is never read more than 8 MiB ahead of it", async () => {
    const size = 64 * MiB;
    const url = await createUpload(size);
    const start = consumed;
    let ahead = 0;
    const res = await patch(
      url,
      0,
      socketBody(size, (out) => (ahead = Math.max(ahead, out - (consumed - start)))),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("upload-offset")).toBe(String(size));
    expect(consumed - start).toBe(size);
    // Stream buffers hold a few hundred KiB; a layer that reads the body before the store wants it holds all of it.
    expect(ahead).toBeLessThan(8 * MiB);
  });

  it("leaves the heap where it was after 120 more PATCHes (no per-request or per-chunk state is kept)", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const piece = 256 * KiB;
    const url = await createUpload(140 * piece);
    const send = async (n: number, from: number) => {
      for (let i = from; i < from + n; i++) expect((await patch(url, i * piece, socketBody(piece))).status).toBe(204);
    };
    const heapAfterGc = () => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external; // external: Buffers kept alive count too
    };
    await send(20, 0); // warm-up: lazy modules, JIT, pools
    const before = heapAfterGc();
    await send(120, 20);
    const growth = heapAfterGc() - before;
    // Keeping ~50 KiB or more per request fails this slack.
    expect(growth).toBeLessThan(6 * MiB);
  }, 180_000);
});
