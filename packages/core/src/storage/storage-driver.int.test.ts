// One suite, both drivers: whatever the app does through StorageDriver must
// behave the same on local disk and on a real S3-protocol server.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { parseConfig } from "../config";
import { createStorage } from "./create-storage";
import type { StorageDriver, StoredObject } from "./storage-driver";

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function keys(s: StorageDriver, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of s.list(prefix)) out.push(o.key);
  return out;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let s3: TestS3;
let dir: string;
const drivers: Record<string, () => StorageDriver> = {
  local: () => createStorage(parseConfig({ DATA_DIR: dir })),
  s3: () => createStorage(parseConfig({ DATA_DIR: dir, ...s3.env })),
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-storage-"));
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(drivers))("StorageDriver on %s", (name) => {
  let s: StorageDriver;
  const root = `tenants/${name}0000000000/`;
  beforeAll(() => {
    s = drivers[name]!();
  });

  it("is the driver STORAGE_DRIVER names", () => {
    expect(s.kind).toBe(name);
  });

  it("stores and returns bytes unchanged, also across several multipart parts", async () => {
    const big = randomBytes(37 * 1024 * 1024 + 11);
    await s.put(`${root}big.bin`, Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]));
    expect(await s.stat(`${root}big.bin`)).toEqual({ key: `${root}big.bin`, size: big.length });
    expect(sha(await readAll(await s.get(`${root}big.bin`)))).toBe(sha(big));
  });

  it("stores an empty object", async () => {
    await s.put(`${root}empty`, Readable.from([]));
    expect(await s.stat(`${root}empty`)).toEqual({ key: `${root}empty`, size: 0 });
  });

  it("overwrites an object with a new body", async () => {
    await s.put(`${root}over`, Readable.from([Buffer.from("first version")]));
    await s.put(`${root}over`, Readable.from([Buffer.from("second")]));
    expect((await readAll(await s.get(`${root}over`))).toString()).toBe("second");
  });

  it("leaves no object behind when the body fails midway", async () => {
    async function* failing() {
      yield randomBytes(20 * 1024 * 1024);
      throw new Error("client went away");
    }
    await expect(s.put(`${root}broken`, Readable.from(failing()))).rejects.toThrow();
    expect(await s.stat(`${root}broken`)).toBeNull();
    expect(await keys(s, `${root}broken`)).toEqual([]);
  });

  it("says null for a missing object and refuses to read it", async () => {
    expect(await s.stat(`${root}missing`)).toBeNull();
    await expect(s.get(`${root}missing`).then(readAll)).rejects.toThrow();
  });

  it("lists by prefix in key order, with or without a trailing slash", async () => {
    for (const k of ["d/v1/part-00001.parquet", "d/v1/part-00000.parquet", "d/v2/part-00000.parquet", "dx"]) {
      await s.put(`${root}list/${k}`, Readable.from([Buffer.from(k)]));
    }
    expect(await keys(s, `${root}list/d/v1/`)).toEqual([
      `${root}list/d/v1/part-00000.parquet`,
      `${root}list/d/v1/part-00001.parquet`,
    ]);
    expect(await keys(s, `${root}list/d`)).toHaveLength(4);
    expect(await keys(s, `${root}list/nothing/`)).toEqual([]);
  });

  it("lists sizes and last-modified times (what reconciliation compares)", async () => {
    const before = Date.now() - 5_000;
    await s.put(`${root}sized/a`, Readable.from([Buffer.from("12345")]));
    const listed: StoredObject[] = [];
    for await (const o of s.list(`${root}sized/`)) listed.push(o);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.size).toBe(5);
    expect(listed[0]!.modifiedAt!.getTime()).toBeGreaterThan(before);
  });

  it("deletes one object, a missing one quietly, and a whole prefix", async () => {
    await s.delete(`${root}list/dx`);
    await s.delete(`${root}list/never-there`);
    expect(await s.stat(`${root}list/dx`)).toBeNull();
    expect(await s.deletePrefix(`${root}list/d/v1/`)).toBe(2);
    expect(await keys(s, `${root}list/`)).toEqual([`${root}list/d/v2/part-00000.parquet`]);
  });

  it("gives DuckDB a local path only when objects live on local disk", async () => {
    const p = s.localPath(`${root}over`);
    if (name === "local") expect(fs.readFileSync(p!, "utf8")).toBe("second");
    else expect(p).toBeNull();
  });
});
