import { describe, expect, it } from "vitest";
import { isInfraOutage } from "../infra-outage";
import { withStorageRetry } from "./storage-retry";

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("withStorageRetry", () => {
  it("tries a transient failure again until the store answers", async () => {
    let calls = 0;
    const v = await withStorageRetry(async () => {
      if (++calls < 3) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return "ok";
    }, 10_000);
    expect(v).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after its bound, and never retries a refusal", async () => {
    let calls = 0;
    const down = withStorageRetry(async () => {
      calls++;
      throw s3Error("ServiceUnavailable", 503);
    }, 300);
    await expect(down).rejects.toThrow("ServiceUnavailable");
    expect(calls).toBeGreaterThan(1);
    let denied = 0;
    await expect(
      withStorageRetry(async () => {
        denied++;
        throw s3Error("AccessDenied", 403);
      }, 10_000),
    ).rejects.toThrow("AccessDenied");
    expect(denied).toBe(1);
  });

  it("tells throttling and 5xx from client errors", () => {
    expect(isInfraOutage(s3Error("SlowDown", 503))).toBe(true);
    expect(isInfraOutage(s3Error("InternalError", 500))).toBe(true);
    expect(isInfraOutage(s3Error("NoSuchKey", 404))).toBe(false);
    expect(isInfraOutage(new Error("boom"))).toBe(false);
  });
});
