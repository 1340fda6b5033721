// Uploads against the built product over real HTTP, where things go wrong:
// a client killed mid-upload, a web server killed and restarted mid-upload
// (local disk and S3), two web instances serving one upload, and many
// parallel uploads racing for the last of a tenant's quota.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createStorage } from "@scrollintel/core/storage/create-storage";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";
import { signInCookie } from "../../../test/e2e-session";
import { createMember, createTenant, PASSWORD, type TestUser } from "../../../test/factories";
import { makeRandomFile } from "../../../test/random-file";
import { startTestS3, type TestS3 } from "../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../test/test-db";
import { startWebServer, type WebServer } from "../../../test/web-server";

const MiB = 1024 * 1024;
const root = path.resolve(import.meta.dirname, "../../..");
const logFile = path.join(root, "test-results-e2e-servers.log");
let t: TestDb;
let s3: TestS3;
let tmp: string;
let user: TestUser;
const servers: WebServer[] = [];

beforeAll(async () => {
  t = await createTestDb();
  s3 = await startTestS3();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-resume-"));
  user = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await s3?.stop();
  await t?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function envFor(driver: "local" | "s3"): Record<string, string> {
  return { DATABASE_URL: t.url, DATA_DIR: path.join(tmp, driver), ...(driver === "s3" ? s3.env : {}) };
}

async function web(driver: "local" | "s3") {
  const s = await startWebServer(envFor(driver), logFile);
  servers.push(s);
  return s;
}

function storageFor(driver: "local" | "s3"): StorageDriver {
  return createStorage(parseConfig(envFor(driver)));
}

function makeFile(bytes: number) {
  return makeRandomFile(tmp, bytes);
}

async function storedSha(storage: StorageDriver, url: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of await storage.get(`tenants/${user.tenantId}/uploads/${url.split("/").pop()}`)) {
    h.update(c as Buffer);
  }
  return h.digest("hex");
}

interface Run {
  url: string;
  datasetId?: string;
  patchOffsets: number[];
}

/** A tus-js-client upload as an integration runs it; `onSent` sees progress, `stopAfterChunk` aborts (no DELETE). */
function upload(
  endpoint: string,
  cookie: string,
  file: string,
  opts: {
    uploadUrl?: string;
    chunkSize?: number;
    onSent?: (n: number) => void;
    stopAfterChunk?: number;
    patchOffsets?: number[];
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const patchOffsets = opts.patchOffsets ?? [];
    let chunks = 0;
    const up: tus.Upload = new tus.Upload(fs.createReadStream(file), {
      endpoint,
      uploadUrl: opts.uploadUrl,
      chunkSize: opts.chunkSize ?? 8 * MiB,
      headers: { cookie },
      metadata: { filename: path.basename(file) },
      // Long enough to ride out a restart and a dead instance's lease (10 s).
      retryDelays: [0, 500, 1000, 2000, 4000, 8000, 8000, 8000],
      onBeforeRequest: (req) => {
        if (req.getMethod() === "PATCH") patchOffsets.push(Number(req.getHeader("Upload-Offset")));
      },
      onProgress: (sent) => opts.onSent?.(sent),
      onChunkComplete: () => {
        if (++chunks === opts.stopAfterChunk) void up.abort(false).then(() => resolve({ url: up.url!, patchOffsets }));
      },
      onSuccess: ({ lastResponse }) =>
        resolve({ url: up.url!, datasetId: lastResponse.getHeader("Upload-Dataset-Id"), patchOffsets }),
      onError: reject,
    });
    up.start();
  });
}

async function headOffset(url: string, cookie: string): Promise<number> {
  const r = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0", cookie } });
  expect(r.status).toBe(200);
  return Number(r.headers.get("upload-offset"));
}

describe("resuming uploads", () => {
  it("resumes byte-identical after the client process was killed mid-upload", async () => {
    const server = await web("local");
    const cookie = await signInCookie(server.baseUrl, user.email, PASSWORD);
    const { file, sha } = makeFile(24 * MiB + 5);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/tus-client-child.ts", file, `${server.baseUrl}/api/uploads`],
      { cwd: root, env: { ...process.env, COOKIE: cookie, KILL_AT: String(10 * MiB), CHUNK: String(8 * MiB) } },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
      child.on("exit", (c, s) => r([c, s])),
    );
    expect([code, signal]).toEqual([null, "SIGKILL"]);
    const url = new URL(/URL (\S+)/.exec(out)![1]!, server.baseUrl).toString();

    const stored = await headOffset(url, cookie);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(24 * MiB + 5);
    const resumed = await upload(`${server.baseUrl}/api/uploads`, cookie, file, { uploadUrl: url });
    expect(resumed.patchOffsets[0]).toBe(stored);
    expect(resumed.datasetId).toBeDefined();
    expect(await storedSha(storageFor("local"), url)).toBe(sha);
  });

  // On S3 the bytes of an unfinished part live in one parked object that @tus/s3-store takes
  // down at the start of each PATCH, so a crash mid-PATCH can cost up to one part (128 MiB)
  // of progress; the client then resumes from the server's (smaller) offset, still byte-identical.
  it.each(["local", "s3"] as const)(
    "resumes byte-identical after the web server was killed and restarted mid-upload (%s storage)",
    async (driver) => {
      const server = await web(driver);
      const cookie = await signInCookie(server.baseUrl, user.email, PASSWORD);
      const { file, sha } = makeFile(40 * MiB + 9);
      const pidBefore = server.pid();
      let restart: Promise<void> | null = null;
      let patchesBefore = 0;
      const patchOffsets: number[] = [];
      const run = await upload(`${server.baseUrl}/api/uploads`, cookie, file, {
        patchOffsets,
        onSent: (sent) => {
          if (restart || sent < 12 * MiB) return;
          patchesBefore = patchOffsets.length;
          restart = server.kill().then(() => server.start());
        },
      });
      expect(restart).not.toBeNull();
      await restart;
      expect(server.pid()).not.toBe(pidBefore);
      const after = run.patchOffsets.slice(patchesBefore);
      expect(after.length).toBeGreaterThan(0);
      if (driver === "local") expect(after[0]).toBeGreaterThan(8 * MiB); // the killed PATCH's bytes were kept
      expect(run.datasetId).toBeDefined();
      expect(await storedSha(storageFor(driver), run.url)).toBe(sha);
    },
  );

  it("lets a second web instance finish an upload the first one started", async () => {
    const [a, b] = [await web("local"), await web("local")];
    const cookie = await signInCookie(a.baseUrl, user.email, PASSWORD);
    const { file, sha } = makeFile(20 * MiB);
    const started = await upload(`${a.baseUrl}/api/uploads`, cookie, file, { stopAfterChunk: 1 });
    const onB = new URL(new URL(started.url).pathname, b.baseUrl).toString();
    expect(await headOffset(onB, cookie)).toBe(8 * MiB);
    const done = await upload(`${b.baseUrl}/api/uploads`, cookie, file, { uploadUrl: onB });
    expect(done.patchOffsets[0]).toBe(8 * MiB);
    expect(done.datasetId).toBeDefined();
    expect(await storedSha(storageFor("local"), onB)).toBe(sha);
  });
});

describe("quota under parallel uploads over HTTP", () => {
  it("lets exactly as many through as fit and refuses the rest with 413 saying what is left", async () => {
    const tenant = await createTenant(t.db, { storageBytes: BigInt(10 * MiB + 100), maxFileBytes: BigInt(5 * MiB) });
    const member = await createMember(t.db, tenant, "ANALYST");
    const server = servers[0] ?? (await web("local"));
    const cookie = await signInCookie(server.baseUrl, member.email, PASSWORD);
    const files = Array.from({ length: 16 }, () => makeFile(MiB).file);
    const results = await Promise.allSettled(files.map((f) => upload(`${server.baseUrl}/api/uploads`, cookie, f)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(10);
    for (const r of refused) {
      const res = (r.reason as tus.DetailedError).originalResponse;
      expect(res?.getStatus()).toBe(413);
      expect(res?.getBody()).toMatch(/^Upload needs 1.0 MiB but only (100 B|[0-9.]+ (KiB|MiB)) of storage is left/);
    }
    const q = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(q.storageBytesUsed).toBe(BigInt(10 * MiB));
    expect(q.storageBytesReserved).toBe(0n);
    expect(q.storageBytesUsed + q.storageBytesReserved).toBeLessThanOrEqual(q.storageBytesLimit);
  });
});
