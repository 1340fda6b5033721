import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStorage } from "@scrollintel/core/storage/local-storage";
import { readHeadAndHash } from "./read-head-and-hash";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-head-"));
const storage = new LocalStorage(dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("readHeadAndHash", () => {
  it("hashes the whole object while keeping only its head", async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    await storage.put("k/a", Readable.from([body]));
    const r = await readHeadAndHash(storage, "k/a", { headBytes: 1000, hash: true });
    expect(r.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    expect(r.size).toBe(body.length);
    expect(r.head.equals(body.subarray(0, 1000))).toBe(true);
    expect(r.whole).toBe(false);
  });

  it("stops at the head when no hash is wanted, and knows a small object is all head", async () => {
    await storage.put("k/b", Readable.from([Buffer.from("a,b\n1,2\n")]));
    const small = await readHeadAndHash(storage, "k/b", { headBytes: 1000, hash: false });
    expect(small).toMatchObject({ sha256: null, whole: true, size: 8 });
    const big = randomBytes(2 * 1024 * 1024);
    await storage.put("k/c", Readable.from([big]));
    const head = await readHeadAndHash(storage, "k/c", { headBytes: 10, hash: false });
    expect(head).toMatchObject({ sha256: null, whole: false });
    expect(head.head.equals(big.subarray(0, 10))).toBe(true);
  });
});
