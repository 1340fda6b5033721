import { describe, expect, it } from "vitest";
import { productionSecretProblem } from "./config";

describe("productionSecretProblem", () => {
  it.each([
    [undefined, /NEXTAUTH_SECRET is not set/],
    ["change-me-to-32-random-characters!!", /NEXTAUTH_SECRET is a published default/],
    ["scrollintel-dev-secret-change-me", /published default/],
    ["short-secret-16c", /NEXTAUTH_SECRET is too short \(16 characters\): use at least 32/],
    ["x".repeat(31), /too short \(31 characters\)/],
  ])("refuses %j with a sentence naming the variable", (secret, message) => {
    expect(productionSecretProblem(secret)).toMatch(message);
  });

  it("accepts a random secret of 32 characters or more", () => {
    expect(productionSecretProblem("0123456789abcdef0123456789abcdef")).toBeNull();
    expect(productionSecretProblem("f".repeat(64))).toBeNull();
  });
});
