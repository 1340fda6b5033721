import { describe, expect, it } from "vitest";
import { checkPasswordChange } from "./password-change-check";

describe("checkPasswordChange", () => {
  it("names each field that is wrong", () => {
    expect(checkPasswordChange({ currentPassword: "", newPassword: "short", confirmPassword: "" })).toEqual({
      currentPassword: "Enter your current password.",
      newPassword: "The new password needs at least 8 characters.",
    });
    expect(
      checkPasswordChange({ currentPassword: "old-pass", newPassword: "old-pass", confirmPassword: "old-pass" }),
    ).toEqual({ newPassword: "The new password is the same as the current one." });
    expect(
      checkPasswordChange({ currentPassword: "old-pass", newPassword: "new-pass-1", confirmPassword: "new-pass-2" }),
    ).toEqual({ confirmPassword: "This does not match the new password." });
  });

  it("accepts a confirmed new password", () => {
    expect(
      checkPasswordChange({ currentPassword: "old-pass", newPassword: "new-pass-1", confirmPassword: "new-pass-1" }),
    ).toEqual({});
  });
});
