import { describe, expect, it } from "vitest";
import { intakeFromMetadata, needsInspection, parseVersionIntake } from "./intake-options";

describe("intake options from tus metadata", () => {
  it("defaults to what integrations always had: ingest at once, a repeated file kept", () => {
    expect(intakeFromMetadata({ filename: "a.csv" })).toEqual({ review: false, onDuplicate: "keep" });
    expect(needsInspection(intakeFromMetadata({}))).toBe(false);
  });

  it("reads review flags and the duplicate choice", () => {
    expect(intakeFromMetadata({ review: "1", onDuplicate: "ask" })).toEqual({ review: true, onDuplicate: "ask" });
    expect(intakeFromMetadata({ review: "false", onDuplicate: "replace" })).toEqual({
      review: false,
      onDuplicate: "replace",
    });
    expect(needsInspection({ review: false, onDuplicate: "append" })).toBe(true);
    expect(needsInspection({ review: true, onDuplicate: "keep" })).toBe(true);
  });

  it("refuses unknown values, naming the key", () => {
    expect(() => intakeFromMetadata({ review: "maybe" })).toThrow(/Metadata review/);
    expect(() => intakeFromMetadata({ onDuplicate: "overwrite" })).toThrow(/Metadata onDuplicate must be one of ask/);
  });

  it("reads a stored version intake, falling back to the defaults when unreadable", () => {
    expect(parseVersionIntake({ review: true, onDuplicate: "ask", decided: "keep" }).decided).toBe("keep");
    expect(parseVersionIntake({ onDuplicate: 7 })).toEqual({ review: false, onDuplicate: "keep" });
  });
});
