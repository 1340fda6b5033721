import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@scrollintel/core/config";
import { createTusDatastore, MAX_UPLOAD_BYTES, S3_PART_BYTES } from "./create-datastore";

const S3_ENV = { STORAGE_DRIVER: "s3", S3_ENDPOINT: "http://127.0.0.1:9" };

describe("tus datastore", () => {
  it("fits the largest upload in S3's 10,000 parts, whatever chunk size clients send", () => {
    const store = createTusDatastore(parseConfig(S3_ENV)) as unknown as {
      calcOptimalPartSize(size: number): number;
      minPartSize: number;
      maxMultipartParts: number;
    };
    expect(store.calcOptimalPartSize(MAX_UPLOAD_BYTES)).toBe(S3_PART_BYTES);
    expect(Math.ceil(MAX_UPLOAD_BYTES / S3_PART_BYTES)).toBeLessThanOrEqual(store.maxMultipartParts);
    expect(store.maxMultipartParts).toBe(10_000);
    // Pieces of a PATCH smaller than a whole part are parked, not uploaded as parts of their own.
    expect(store.minPartSize).toBe(S3_PART_BYTES);
  });

  it("offers creation, creation-with-upload, termination and expiration, but not deferred length", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-store-"));
    for (const env of [{ DATA_DIR: dir }, S3_ENV]) {
      const ext = createTusDatastore(parseConfig(env)).extensions;
      expect(ext).toEqual(["creation", "creation-with-upload", "termination", "expiration"]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
