import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { Config } from "../config";

/**
 * One S3 client configuration for the storage driver and the tus S3 store,
 * so both address the same bucket the same way.
 */
export function s3ClientConfig(config: Config): S3ClientConfig & { bucket: string } {
  const credentials =
    config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
      : undefined; // else the SDK's default chain (instance role, env of the platform)
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials,
    // The SDK otherwise sends aws-chunked bodies with CRC trailers, which some
    // S3-compatible servers store verbatim; checksums only where S3 requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}
