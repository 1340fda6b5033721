import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { addSseMiddleware, type SseParams } from "./s3-sse";
import type { StorageDriver, StoredObject } from "./storage-driver";
import { withStorageRetry } from "./storage-retry";

/** Parts of 16 MiB, 4 at a time: a put holds at most 64 MiB in memory and reaches 160 GiB in 10,000 parts. */
const PUT_PART_BYTES = 16 * 1024 * 1024;
const PUT_QUEUE = 4;
/** S3's limit is 10,000 parts; a little room for a size that grew since it was measured. */
const MAX_PARTS = 9_000;
const MiB = 1024 * 1024;

/**
 * Part size and parallelism for an object of `sizeBytes`: 16 MiB parts while
 * they reach, else parts of size/9,000 sent two at a time: a 1 TiB object
 * holds about 234 MiB in memory (117 MiB parts), S3's largest (5 TiB) about 1.2 GiB.
 */
export function putPartPlan(sizeBytes?: number): { partSize: number; queueSize: number } {
  const need = Math.ceil((sizeBytes ?? 0) / MAX_PARTS / MiB) * MiB;
  if (need <= PUT_PART_BYTES) return { partSize: PUT_PART_BYTES, queueSize: PUT_QUEUE };
  return { partSize: need, queueSize: need > 64 * MiB ? 2 : PUT_QUEUE };
}
/** Each request (a put's parts included) is tried this often by the SDK, with its own backoff. */
const SDK_MAX_ATTEMPTS = 5;
/** Idempotent calls are tried again on transient failures for this long before the error stands. */
const RETRY_WAIT_MS = 30_000;

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404;
}

/** Objects in one S3-compatible bucket (MinIO, AWS S3). */
export class S3Storage implements StorageDriver {
  readonly kind = "s3" as const;
  readonly bucket: string;
  readonly client: S3Client;
  /** For health probes: one attempt, so a probe says "down" at once instead of retrying. */
  private readonly probeClient: S3Client;
  private readonly retryWaitMs: number;

  constructor(opts: S3ClientConfig & { bucket: string; retryWaitMs?: number; sse?: SseParams | null }) {
    const { bucket, retryWaitMs, sse, ...clientConfig } = opts;
    this.bucket = bucket;
    this.retryWaitMs = retryWaitMs ?? RETRY_WAIT_MS;
    this.client = new S3Client({ maxAttempts: SDK_MAX_ATTEMPTS, ...clientConfig });
    addSseMiddleware(this.client, sse ?? null);
    this.probeClient = new S3Client({ ...clientConfig, maxAttempts: 1 });
  }

  localPath(): string | null {
    return null;
  }

  /** A completed S3 upload is durable when its request returns. */
  async settle(): Promise<void> {}

  async probe(): Promise<void> {
    await this.probeClient.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** `send` for idempotent commands, retried through a storage outage for a bounded time. */
  private send<T>(fn: () => Promise<T>): Promise<T> {
    return withStorageRetry(fn, this.retryWaitMs);
  }

  async put(key: string, body: Readable, opts: { sizeBytes?: number } = {}): Promise<void> {
    // A multipart upload becomes visible only on CompleteMultipartUpload; a failed one is aborted.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      ...putPartPlan(opts.sizeBytes),
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async get(key: string): Promise<Readable> {
    const r = await this.send(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    return r.Body as Readable;
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const r = await this.send(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return { key, size: Number(r.ContentLength ?? 0) };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const r = await this.send(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        ),
      );
      const page = (r.Contents ?? [])
        .filter((o) => o.Key)
        .map((o) => ({ key: o.Key!, size: Number(o.Size ?? 0), modifiedAt: o.LastModified }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      yield* page;
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.send(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const objects = batch.map((Key) => ({ Key }));
      await this.send(() =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } })),
      );
      n += batch.length;
      batch = [];
    };
    for await (const o of this.list(prefix)) {
      batch.push(o.key);
      if (batch.length === 1000) await flush();
    }
    await flush();
    await this.abortUploads(prefix);
    return n;
  }

  /** Aborts unfinished multipart uploads under a prefix: their parts are billed storage until then. */
  async abortUploads(prefix: string): Promise<number> {
    let n = 0;
    let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = marker;
      const r = await this.send(() =>
        this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, ...page })),
      );
      for (const u of r.Uploads ?? []) {
        if (!u.Key || !u.UploadId) continue;
        const abort = new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId });
        await this.send(() => this.client.send(abort));
        n++;
      }
      if (!r.IsTruncated) return n;
      marker = { KeyMarker: r.NextKeyMarker, UploadIdMarker: r.NextUploadIdMarker };
    }
  }
}
