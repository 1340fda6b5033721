import { describe, expect, it } from "vitest";
import { isToleratedFailure } from "./process-guards";

describe("isToleratedFailure", () => {
  it("tolerates a lost database or storage connection nobody awaited", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(isToleratedFailure(refused)).toBe(true);
    expect(isToleratedFailure(new Error("This batcher has been released, and so no more calls can be made."))).toBe(
      true,
    );
    expect(isToleratedFailure(Object.assign(new Error("x"), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
  });

  it("treats anything else as a bug", () => {
    expect(isToleratedFailure(new TypeError("x is not a function"))).toBe(false);
    expect(isToleratedFailure(new Error("duckdb::PermissionException"))).toBe(false);
    expect(isToleratedFailure(undefined)).toBe(false);
  });
});
