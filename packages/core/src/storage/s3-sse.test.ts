import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import { createStorage } from "./create-storage";
import { addSseMiddleware, sseParams } from "./s3-sse";
import type { S3Storage } from "./s3-storage";

/** Records each command's input as it would be sent, then fails it before any network. */
function capture(client: S3Client): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    (_next, context) => (args) => {
      seen.push({ command: context.commandName, ...(args.input as object) });
      return Promise.reject(new Error("captured"));
    },
    { step: "build", name: "capture" },
  );
  return seen;
}

const env = {
  STORAGE_DRIVER: "s3",
  S3_ENDPOINT: "http://127.0.0.1:9",
  S3_ACCESS_KEY_ID: "a",
  S3_SECRET_ACCESS_KEY: "b",
};

describe("S3 server-side encryption passthrough", () => {
  it("is off unless S3_SSE is set, and names the KMS key for aws:kms", () => {
    expect(sseParams(parseConfig(env))).toBeNull();
    expect(sseParams(parseConfig({ ...env, S3_SSE: "AES256" }))).toEqual({ ServerSideEncryption: "AES256" });
    expect(sseParams(parseConfig({ ...env, S3_SSE: "aws:kms", S3_SSE_KMS_KEY_ID: "arn:k" }))).toEqual({
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:k",
    });
  });

  it("adds the SSE parameters to the driver's writes, not to its reads", async () => {
    const s3 = createStorage(parseConfig({ ...env, S3_SSE: "aws:kms", S3_SSE_KMS_KEY_ID: "arn:k" })) as S3Storage;
    const seen = capture(s3.client);
    await expect(s3.put("tenants/aaaaaaaa/x", Readable.from([Buffer.from("x")]))).rejects.toThrow();
    await expect(s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "k" }))).rejects.toThrow(/captured/);
    expect(seen[0]).toMatchObject({
      command: "PutObjectCommand",
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:k",
    });
    expect(seen.at(-1)).toMatchObject({ command: "GetObjectCommand" });
    expect(seen.at(-1)).not.toHaveProperty("ServerSideEncryption");
  });

  it("leaves requests alone when unset", async () => {
    const credentials = { accessKeyId: "a", secretAccessKey: "b" };
    const client = new S3Client({ region: "us-east-1", endpoint: "http://127.0.0.1:9", maxAttempts: 1, credentials });
    addSseMiddleware(client, null);
    const seen = capture(client);
    await expect(client.send(new GetObjectCommand({ Bucket: "b", Key: "k" }))).rejects.toThrow(/captured/);
    expect(seen[0]).not.toHaveProperty("ServerSideEncryption");
  });
});
