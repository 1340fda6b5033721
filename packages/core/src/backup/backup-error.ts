/** Why a backup or restore stopped; the CLI prints the message, tests match the code. */
export type BackupErrorCode =
  "TARGET_NOT_EMPTY" | "CHECKSUM_MISMATCH" | "BAD_BACKUP" | "RELEASE_MISMATCH" | "NEEDS_SUPERUSER" | "MISSING_OBJECT";

export class BackupError extends Error {
  readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string) {
    super(message);
    this.name = "BackupError";
    this.code = code;
  }
}
