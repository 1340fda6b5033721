import type { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config";

/** Commands that write an object, and so take server-side encryption settings. */
const WRITES = new Set(["PutObjectCommand", "CreateMultipartUploadCommand", "CopyObjectCommand"]);

export interface SseParams {
  ServerSideEncryption: "AES256" | "aws:kms";
  SSEKMSKeyId?: string;
}

/** S3_SSE / S3_SSE_KMS_KEY_ID as request parameters; null when unset. */
export function sseParams(config: Pick<Config, "S3_SSE" | "S3_SSE_KMS_KEY_ID">): SseParams | null {
  if (!config.S3_SSE) return null;
  const kms = config.S3_SSE === "aws:kms" && config.S3_SSE_KMS_KEY_ID ? { SSEKMSKeyId: config.S3_SSE_KMS_KEY_ID } : {};
  return { ServerSideEncryption: config.S3_SSE, ...kms };
}

/**
 * S3 server-side encryption as a second layer under the client-side one: every
 * write a client sends (the driver's puts, the tus store's multipart uploads,
 * tiering's in-place copies) carries the configured SSE parameters.
 */
export function addSseMiddleware(client: S3Client, sse: SseParams | null): void {
  if (!sse) return;
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (WRITES.has(context.commandName ?? "")) Object.assign(args.input as object, sse);
      return next(args);
    },
    { step: "initialize", name: "scrollintelSse" },
  );
}
