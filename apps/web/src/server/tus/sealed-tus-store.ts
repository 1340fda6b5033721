import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { DataStore, ERRORS, Upload } from "@tus/server";
import {
  AppendSealer,
  SkipBytes,
  appendPoint,
  decodeAppendState,
  encodeAppendState,
  openTail,
  sealStateKey,
  sealTail,
  tailBytes,
  type AppendState,
} from "@scrollintel/core/crypto/sealed-append";
import {
  CHUNK_BYTES,
  SealedObjectError,
  newHeader,
  plainSize,
  sealedSize,
} from "@scrollintel/core/crypto/sealed-format";
import type { TenantKeyring } from "@scrollintel/core/crypto/tenant-keyring";
import { tenantOfKey } from "@scrollintel/core/keys";
import type { StorageDriver } from "@scrollintel/core/storage/storage-driver";

function tenantOf(id: string): string {
  const t = tenantOfKey(id);
  if (!t) throw new SealedObjectError(`${id}: not a tenant upload`);
  return t;
}

/** The request body as plaintext pieces; a body cut by the client ends it early instead of failing the append. */
async function* bodyThen(tail: Buffer, body: Readable, onError: (e: unknown) => void): AsyncGenerator<Buffer> {
  if (tail.length) yield tail;
  try {
    for await (const piece of body) yield piece as Buffer;
  } catch (e) {
    onError(e);
  }
}

/**
 * A tus DataStore that seals every byte before the inner store (file or S3)
 * sees it. The inner store holds the object in the sealed format (header,
 * whole frames, the final frame last); plaintext past the last whole chunk of
 * a PATCH waits sealed in `<key>.seal` until the next PATCH completes it, so
 * nothing at rest is plaintext and memory stays at about one chunk per
 * request. Offsets and sizes seen by tus are plaintext bytes.
 */
export class SealedTusStore extends DataStore {
  /**
   * Appends still finishing. When a PATCH body fails, tus answers (and frees
   * the lock) at once while the append still stores what arrived and saves
   * the tail; a retry in this process waits for it instead of racing it.
   */
  private readonly finishing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: DataStore,
    private readonly raw: StorageDriver,
    private readonly keyring: TenantKeyring,
  ) {
    super();
    this.extensions = inner.extensions;
  }

  private async readState(id: string): Promise<AppendState> {
    const key = sealStateKey(id);
    if (!(await this.raw.stat(key))) {
      throw new SealedObjectError(`${id}: the upload's sealing state is missing; start the upload again`);
    }
    return decodeAppendState(await buffer(await this.raw.get(key)), key);
  }

  private async writeState(id: string, s: AppendState): Promise<void> {
    await this.raw.put(sealStateKey(id), Readable.from([encodeAppendState(s)]));
  }

  override async create(upload: Upload): Promise<Upload> {
    if (upload.size === undefined) throw ERRORS.INVALID_LENGTH;
    const tenantId = tenantOf(upload.id);
    const header = newHeader(await this.keyring.currentVersion(tenantId));
    await this.writeState(upload.id, { header, afterFrames: 0, sealedTail: Buffer.alloc(0) });
    const sealed = new Upload({ ...upload, size: sealedSize(upload.size, header.chunkBytes) });
    await this.inner.create(sealed);
    upload.storage = sealed.storage;
    upload.creation_date = sealed.creation_date;
    // An empty file is complete at once: its object is the header and one empty final frame.
    if (upload.size === 0) await this.write(Readable.from([]), upload.id, 0);
    return upload;
  }

  private async settled(id: string): Promise<void> {
    await this.finishing.get(id)?.catch(() => undefined);
  }

  override async getUpload(id: string): Promise<Upload> {
    await this.settled(id);
    const u = await this.inner.getUpload(id);
    const size = u.size === undefined ? null : plainSize(u.size, CHUNK_BYTES);
    if (size === null) throw new SealedObjectError(`${id}: not a sealed upload`);
    if (u.offset === u.size) return new Upload({ ...u, size, offset: size });
    const state = await this.readState(id);
    const { frames } = appendPoint(u.offset, state.header.chunkBytes);
    const waiting = state.afterFrames === frames ? tailBytes(state) : 0;
    return new Upload({ ...u, size, offset: frames * state.header.chunkBytes + waiting });
  }

  override async write(body: Readable, id: string, offset: number): Promise<number> {
    await this.settled(id);
    const run = this.append(body, id, offset);
    this.finishing.set(id, run);
    try {
      return await run;
    } finally {
      if (this.finishing.get(id) === run) this.finishing.delete(id);
    }
  }

  private async append(body: Readable, id: string, offset: number): Promise<number> {
    const u = await this.inner.getUpload(id);
    const total = plainSize(u.size ?? -1, CHUNK_BYTES);
    if (total === null) throw new SealedObjectError(`${id}: not a sealed upload`);
    const state = await this.readState(id);
    const point = appendPoint(u.offset, state.header.chunkBytes);
    const dataKey = await this.keyring.keyFor(tenantOf(id), state.header.keyVersion);
    // A tail written before a later append stored more frames (then crashed) is stale: those bytes are in the frames.
    const tail = state.afterFrames === point.frames ? openTail(dataKey, state, sealStateKey(id)) : Buffer.alloc(0);
    if (point.frames * state.header.chunkBytes + tail.length !== offset) throw ERRORS.INVALID_OFFSET;

    let cut: unknown = null;
    const sealer = new AppendSealer({
      dataKey,
      header: state.header,
      frames: point.frames,
      totalBytes: total,
      withHeader: point.streamStart === 0,
    });
    const cipher = Readable.from(bodyThen(tail, body, (e) => (cut = e)))
      .pipe(sealer)
      .pipe(new SkipBytes(point.skip));
    sealer.once("error", (e) => cipher.destroy(e));
    await this.inner.write(cipher, id, u.offset);

    if (sealer.complete) {
      await this.raw.delete(sealStateKey(id));
      return total;
    }
    const sealedTail = sealTail(dataKey, state.header, sealer.frames, sealer.tail);
    await this.writeState(id, { header: state.header, afterFrames: sealer.frames, sealedTail });
    if (cut) throw cut;
    return sealer.frames * state.header.chunkBytes + sealer.tail.length;
  }

  override async remove(id: string): Promise<void> {
    await this.inner.remove(id);
    await this.raw.delete(sealStateKey(id));
  }

  override declareUploadLength(): Promise<void> {
    return Promise.reject(ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION);
  }

  override deleteExpired(): Promise<number> {
    // Expiry is the worker's sweep (it deletes the key's prefix, `.seal` included).
    return this.inner.deleteExpired();
  }

  override getExpiration(): number {
    return this.inner.getExpiration();
  }
}
