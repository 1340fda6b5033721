// A real S3-protocol server on loopback for tests of the S3 driver and the tus
// S3 store: s3rver keeps objects on disk and speaks the wire protocol, so the
// AWS SDK, @tus/s3-store and our driver run exactly as against MinIO or AWS.
// s3rver 3.7.1 lacks three multipart calls that @tus/s3-store and our driver
// use; the middleware below adds them over s3rver's own upload directory.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { freePort } from "../scripts/embedded-postgres";

// s3rver ships no types: this is the part of its API used here.
interface S3rverInstance {
  middleware: unknown[];
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverClass = new (opts: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs: unknown[] }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The S3_* variables that point the app's config at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface KoaCtx {
  path: string;
  method: string;
  query: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
}

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function xml(ctx: KoaCtx, status: number, body: string) {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>${body}`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** ListParts, AbortMultipartUpload and ListMultipartUploads, which s3rver 3.7.1 answers with 405/501. */
function multipartPatch(root: string) {
  return async (ctx: KoaCtx, next: () => Promise<void>) => {
    const m = /^\/([^/]+)\/?(.*)$/.exec(ctx.path);
    if (!m) return next();
    const [bucket, key] = [m[1]!, m[2] || undefined];
    const uploadsDir = path.join(root, bucket, "._S3rver_uploads");
    if (!key && ctx.method === "GET" && "uploads" in ctx.query) {
      const prefix = ctx.query.prefix ?? "";
      const ids = fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : [];
      const uploads = ids
        .map((id) => ({ id, dir: path.join(uploadsDir, id) }))
        .filter((u) => fs.existsSync(path.join(u.dir, "key")))
        .map((u) => ({ ...u, key: fs.readFileSync(path.join(u.dir, "key"), "utf8") }))
        .filter((u) => u.key.startsWith(prefix))
        .map(
          (u) =>
            `<Upload><Key>${esc(u.key)}</Key><UploadId>${u.id}</UploadId>` +
            `<Initiated>${fs.statSync(u.dir).birthtime.toISOString()}</Initiated></Upload>`,
        );
      return xml(
        ctx,
        200,
        `<ListMultipartUploadsResult ${XMLNS}><Bucket>${bucket}</Bucket><Prefix>${esc(prefix)}</Prefix>` +
          `<IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`,
      );
    }
    const uploadId = ctx.query.uploadId;
    if (!key || !uploadId || "partNumber" in ctx.query || (ctx.method !== "GET" && ctx.method !== "DELETE")) {
      return next();
    }
    const dir = path.join(uploadsDir, path.basename(uploadId));
    if (!fs.existsSync(dir)) {
      return xml(
        ctx,
        404,
        "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>",
      );
    }
    if (ctx.method === "DELETE") {
      fs.rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const parts = fs
      .readdirSync(dir)
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => {
        const st = fs.statSync(path.join(dir, String(n)));
        const md5 = fs.readFileSync(path.join(dir, `${n}.md5`), "utf8");
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${st.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${st.size}</Size></Part>`;
      });
    return xml(
      ctx,
      200,
      `<ListPartsResult ${XMLNS}><Bucket>${bucket}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId>` +
        `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join("")}</ListPartsResult>`,
    );
  };
}

/** Starts s3rver on a free loopback port with one empty bucket, in a temp directory removed by stop(). */
export async function startTestS3(opts: { bucket?: string; port?: number; dir?: string } = {}): Promise<TestS3> {
  const bucket = opts.bucket ?? "scrollintel-test";
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "si-s3-"));
  fs.mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const server = new S3rver({
    port,
    address: "127.0.0.1",
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  server.middleware.unshift(multipartPatch(dir));
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      await server.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
