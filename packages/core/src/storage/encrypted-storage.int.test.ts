// Encryption at rest, through the driver the apps use, on local disk and the S3 test server:
// what lands in storage is unreadable without the tenant's key, tampering is caught, keys
// rotate and rewrap, and a deleted tenant's objects can no longer be read.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant } from "../../../../test/factories";
import { startTestS3, type TestS3 } from "../../../../test/s3-server";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { parseConfig } from "../config";
import { LocalKeyWrapper } from "../crypto/key-wrapper";
import { devMasterKeyFile, masterKeyWrappers } from "../crypto/master-keys";
import { TenantKeyring, rewrapDataKeys } from "../crypto/tenant-keyring";
import { deleteTenant } from "../services/tenant-delete-service";
import { createStorage } from "./create-storage";
import { createTenantStorage } from "./create-tenant-storage";
import { EncryptedStorage } from "./encrypted-storage";
import type { StorageDriver } from "./storage-driver";

const MARKER = Buffer.from("PLAINTEXT-MARKER-4f1c,alice@example.com,secret\n");
const body = () => Buffer.concat([...Array.from({ length: 40_000 }, () => MARKER), randomBytes(333)]);
const read = async (s: StorageDriver, key: string) => buffer(await s.get(key));
const actor = { type: "USER" as const, id: "platform-admin" };

let t: TestDb;
let s3: TestS3;
let dir: string;
const master = new LocalKeyWrapper(randomBytes(32));

beforeAll(async () => {
  t = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-enc-"));
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.stop();
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const raws: Record<string, () => StorageDriver> = {
  local: () => createStorage(parseConfig({ DATA_DIR: dir })),
  s3: () => createStorage(parseConfig({ DATA_DIR: dir, ...s3.env })),
};

describe.each(Object.keys(raws))("encrypted storage on %s", (name) => {
  let raw: StorageDriver;
  let enc: EncryptedStorage;
  let tenant: { id: string; slug: string };
  let other: { id: string; slug: string };
  const key = (tid: string, f: string) => `tenants/${tid}/datasets/aaaaaaaaaaaa/v1/${f}`;

  beforeAll(async () => {
    raw = raws[name]!();
    enc = new EncryptedStorage(raw, new TenantKeyring(t.db, master));
    tenant = await createTenant(t.db);
    other = await createTenant(t.db);
  });

  it("stores ciphertext only: no plaintext marker in the raw object, plaintext size reported", async () => {
    const plain = body();
    await enc.put(key(tenant.id, "part-0.parquet"), Readable.from([plain]), { sizeBytes: plain.length });
    const stored = await read(raw, key(tenant.id, "part-0.parquet"));
    expect(stored.subarray(0, 4).toString()).toBe("SIE1");
    expect(stored.includes(MARKER.subarray(0, 16))).toBe(false);
    expect(stored.length).toBeGreaterThan(plain.length);
    expect((await read(enc, key(tenant.id, "part-0.parquet"))).equals(plain)).toBe(true);
    expect((await enc.stat(key(tenant.id, "part-0.parquet")))?.size).toBe(plain.length);
    const listed = [];
    for await (const o of enc.list(`tenants/${tenant.id}/`)) listed.push(o);
    expect(listed.map((o) => o.size)).toEqual([plain.length]);
    if (name === "local") {
      const file = path.join(dir, "storage", key(tenant.id, "part-0.parquet"));
      expect(fs.readFileSync(file).includes(MARKER.subarray(0, 16))).toBe(false);
      expect(enc.localPath()).toBeNull();
    }
  });

  it("names the object when a byte was changed, the object truncated, or another tenant's object planted", async () => {
    const k = key(tenant.id, "part-0.parquet");
    const stored = await read(raw, k);
    const flipped = Buffer.from(stored);
    flipped[stored.length >> 1]! ^= 0x20;
    await raw.put(key(tenant.id, "flipped.parquet"), Readable.from([flipped]));
    await expect(read(enc, key(tenant.id, "flipped.parquet"))).rejects.toThrow(
      /flipped\.parquet: chunk \d+ failed authentication/,
    );
    await raw.put(key(tenant.id, "cut.parquet"), Readable.from([stored.subarray(0, 48 + 1024 * 1024 + 16)]));
    await expect(read(enc, key(tenant.id, "cut.parquet"))).rejects.toThrow(/cut\.parquet: .*truncated/);
    await raw.put(key(other.id, "planted.parquet"), Readable.from([stored]));
    await expect(read(enc, key(other.id, "planted.parquet"))).rejects.toThrow(/planted\.parquet/);
    await raw.put(key(tenant.id, "plain.parquet"), Readable.from([MARKER]));
    await expect(read(enc, key(tenant.id, "plain.parquet"))).rejects.toThrow(/not an encrypted object/);
  });

  it("refuses a plaintext upload object like any other (the tus store seals uploads too)", async () => {
    const tusKey = `tenants/${tenant.id}/uploads/cccccccccccc`;
    const csv = Buffer.from("id,name\n".repeat(20));
    await raw.put(tusKey, Readable.from([csv]));
    await expect(read(enc, tusKey)).rejects.toThrow(/not an encrypted object/);
    const sealedKey = `tenants/${tenant.id}/uploads/dddddddddddd`;
    await enc.put(sealedKey, Readable.from([csv]));
    expect((await enc.stat(sealedKey))?.size).toBe(csv.length);
    expect((await read(raw, sealedKey)).subarray(0, 4).toString()).toBe("SIE1");
    expect((await read(enc, sealedKey)).equals(csv)).toBe(true);
  });

  it("rotates: new objects use the new key version, old objects stay readable", async () => {
    const v = await enc.keyring.rotate(tenant.id);
    await enc.put(key(tenant.id, "part-1.parquet"), Readable.from([MARKER]));
    const header = await read(raw, key(tenant.id, "part-1.parquet"));
    expect(header.readUInt32BE(8)).toBe(v);
    expect((await read(raw, key(tenant.id, "part-0.parquet"))).readUInt32BE(8)).toBe(v - 1);
    expect((await read(enc, key(tenant.id, "part-1.parquet"))).equals(MARKER)).toBe(true);
    expect((await read(enc, key(tenant.id, "part-0.parquet"))).length).toBe(body().length);
  });

  it("rewraps every data key when the master key changes; the old master key is then not needed", async () => {
    const next = new LocalKeyWrapper(randomBytes(32));
    expect(await rewrapDataKeys(t.db, next, [master])).toBeGreaterThan(0);
    const afterRewrap = new EncryptedStorage(raw, new TenantKeyring(t.db, next));
    expect((await read(afterRewrap, key(tenant.id, "part-1.parquet"))).equals(MARKER)).toBe(true);
    const oldOnly = new EncryptedStorage(raw, new TenantKeyring(t.db, master));
    await expect(read(oldOnly, key(tenant.id, "part-1.parquet"))).rejects.toThrow(/not configured/);
    expect(await rewrapDataKeys(t.db, master, [next])).toBeGreaterThan(0); // back, for the next tests
  });

  it("crypto-shredding: once the tenant is deleted, its objects cannot be read by anyone", async () => {
    const victim = await createTenant(t.db);
    await enc.put(key(victim.id, "part-0.parquet"), Readable.from([MARKER]));
    expect((await read(enc, key(victim.id, "part-0.parquet"))).equals(MARKER)).toBe(true);
    const r = await deleteTenant(t.db, actor, { tenantId: victim.id, confirmSlug: victim.slug });
    expect(r.dataKeysDestroyed).toBe(1);
    enc.keyring.forget(victim.id);
    expect(await t.db.tenantDataKey.count({ where: { tenantId: victim.id } })).toBe(0);
    // The ciphertext is still there, and no keyring (any master key) can open it.
    expect((await raw.stat(key(victim.id, "part-0.parquet")))?.size).toBeGreaterThan(0);
    for (const s of [enc, new EncryptedStorage(raw, new TenantKeyring(t.db, master))]) {
      await expect(read(s, key(victim.id, "part-0.parquet"))).rejects.toThrow(/no data key 1 for this tenant/);
    }
    expect(await enc.keyring.hasKeys(victim.id)).toBe(false);
  });
});

describe("configuration", () => {
  it("is off unless set; in production it requires a master key", () => {
    expect(parseConfig({ DATA_DIR: dir }).storageEncryption).toBe(false);
    const on = { NODE_ENV: "production", DATA_DIR: dir, STORAGE_ENCRYPTION: "on" };
    expect(() => parseConfig(on)).toThrow(/STORAGE_MASTER_KEY: required/);
    const key = randomBytes(32).toString("base64");
    expect(parseConfig({ ...on, STORAGE_MASTER_KEY: key }).storageEncryption).toBe(true);
    expect(() => parseConfig({ DATA_DIR: dir, STORAGE_MASTER_KEY: "short" })).toThrow(
      /STORAGE_MASTER_KEY: must be 32 bytes/,
    );
  });

  it("outside production, generates one master key in DATA_DIR (owner-only) and keeps it", async () => {
    const devDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-enc-dev-"));
    const config = parseConfig({ DATA_DIR: devDir, STORAGE_ENCRYPTION: "on" });
    const a = masterKeyWrappers(config).current.id;
    expect(masterKeyWrappers(config).current.id).toBe(a);
    expect(fs.statSync(devMasterKeyFile(config)).mode & 0o077).toBe(0);
    const storage = createTenantStorage(config, t.db);
    expect(storage).toBeInstanceOf(EncryptedStorage);
    const tenant = await createTenant(t.db);
    await storage.put(`tenants/${tenant.id}/results/bbbbbbbbbbbb.parquet`, Readable.from([MARKER]));
    expect((await read(storage, `tenants/${tenant.id}/results/bbbbbbbbbbbb.parquet`)).equals(MARKER)).toBe(true);
    fs.rmSync(devDir, { recursive: true, force: true });
  });
});
