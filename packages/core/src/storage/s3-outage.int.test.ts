// The S3 driver through a storage outage, against a real S3-protocol server
// stopped and started again on the same port and directory: calls in flight
// wait it out, a longer outage fails within a bound, and health says "down".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/free-port";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { parseConfig } from "../config";
import { S3Storage } from "./s3-storage";
import { s3ClientConfig } from "./s3-client-config";
import { isInfraOutage } from "../infra-outage";

let dir: string;
let s3: TestS3 | null = null;
let port: number;

async function startS3(): Promise<TestS3> {
  s3 = await startTestS3({ port, dir });
  return s3;
}

async function stopS3(): Promise<void> {
  await s3?.stop();
  s3 = null;
}

/** A driver for the server's address, whether or not it is up right now. */
function storage(retryWaitMs: number): S3Storage {
  const env = {
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: "scrollintel-test",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  };
  return new S3Storage({ ...s3ClientConfig(parseConfig({ DATA_DIR: dir, ...env })), retryWaitMs });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-s3-outage-"));
  port = await freePort();
  await startS3();
});
afterAll(async () => {
  await stopS3();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("S3 storage through an outage", () => {
  it("a call made while the server is down completes once it is back", async () => {
    const st = storage(30_000);
    await st.put("outage/a.bin", Readable.from([Buffer.from("hello")]));
    await st.probe();
    await stopS3();
    await expect(st.probe()).rejects.toSatisfy(isInfraOutage);

    const pending = st.stat("outage/a.bin");
    const listed = (async () => {
      const keys: string[] = [];
      for await (const o of st.list("outage/")) keys.push(o.key);
      return keys;
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await startS3();
    expect(await pending).toEqual({ key: "outage/a.bin", size: 5 });
    expect(await listed).toEqual(["outage/a.bin"]);
    await st.probe();
  });

  it("a longer outage fails the call within its bound instead of hanging", async () => {
    const st = storage(1000);
    await stopS3();
    try {
      const started = Date.now();
      const err = await st.stat("outage/a.bin").then(
        () => null,
        (e: unknown) => e,
      );
      expect(isInfraOutage(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await startS3();
    }
  });
});
