export type PasswordField = "currentPassword" | "newPassword" | "confirmPassword";
export type PasswordErrors = Partial<Record<PasswordField, string>>;

/** What the form can tell before asking the server: every field filled, long enough, confirmed, and new. */
export function checkPasswordChange(v: Record<PasswordField, string>): PasswordErrors {
  const errors: PasswordErrors = {};
  if (!v.currentPassword) errors.currentPassword = "Enter your current password.";
  if (v.newPassword.length < 8) errors.newPassword = "The new password needs at least 8 characters.";
  else if (v.newPassword.length > 200) errors.newPassword = "The new password can have at most 200 characters.";
  else if (v.newPassword === v.currentPassword) errors.newPassword = "The new password is the same as the current one.";
  if (!errors.newPassword && v.confirmPassword !== v.newPassword)
    errors.confirmPassword = "This does not match the new password.";
  return errors;
}
