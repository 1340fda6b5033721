import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { DomainError, OUTAGE_MESSAGE } from "@scrollintel/core/errors";
import { classifyError } from "./classify-error";

describe("classifyError: the one table", () => {
  it("maps domain codes to the tRPC code and the HTTP status together", () => {
    expect(classifyError(new DomainError("QUOTA_EXCEEDED", "over"), "r")).toMatchObject({
      trpc: "PAYLOAD_TOO_LARGE",
      http: 413,
      message: "over",
      unexpected: false,
    });
    expect(classifyError(new DomainError("LOCKED", "busy"), "r")).toMatchObject({ trpc: "CONFLICT", http: 423 });
    const limited = classifyError(new DomainError("RATE_LIMITED", "slow down", { retryAfter: 7 }), "r");
    expect(limited).toMatchObject({ trpc: "TOO_MANY_REQUESTS", http: 429, retryAfter: 7 });
  });

  it("passes tRPC's own refusals on and turns an outage into 503 with Retry-After", () => {
    expect(classifyError(new TRPCError({ code: "UNAUTHORIZED", message: "no" }), "r")).toMatchObject({
      trpc: "UNAUTHORIZED",
      http: 401,
    });
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(classifyError(refused, "r")).toEqual({
      trpc: "SERVICE_UNAVAILABLE",
      http: 503,
      message: OUTAGE_MESSAGE,
      retryAfter: 5,
      unexpected: false,
    });
  });

  it("makes a value PostgreSQL refuses a 400 and anything else a 500 naming only the request id", () => {
    const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
    expect(classifyError(nul, "r")).toMatchObject({ http: 400, trpc: "BAD_REQUEST" });
    expect(classifyError({ meta: { driverAdapterError: { cause: { kind: "ValueOutOfRange" } } } }, "r").http).toBe(400);
    expect(classifyError(new TypeError("x is undefined"), "req-1")).toEqual({
      trpc: "INTERNAL_SERVER_ERROR",
      http: 500,
      message: "Internal error (request id req-1)",
      unexpected: true,
    });
  });
});
