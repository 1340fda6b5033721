import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** What a wrapped data key is bound to: unwrapping it under another tenant or version fails. */
export interface WrapContext {
  tenantId: string;
  version: number;
}

/**
 * Wraps and unwraps tenant data keys. The local implementation uses a master
 * key from config; a cloud KMS (AWS KMS Encrypt/Decrypt with the context as
 * its encryption context) implements the same three members.
 */
export interface KeyWrapper {
  /** Stored beside each wrapped key ("local:<fingerprint>", "aws-kms:<key arn>"): which key can unwrap it. */
  readonly id: string;
  wrap(dataKey: Buffer, ctx: WrapContext): Promise<Buffer>;
  unwrap(wrapped: Buffer, ctx: WrapContext): Promise<Buffer>;
}

function contextAad(ctx: WrapContext): Buffer {
  return Buffer.from(`scrollintel-data-key:${ctx.tenantId}:${ctx.version}`);
}

/** AES-256-GCM under a 32-byte master key: nonce (12) | wrapped key (32) | tag (16). */
export class LocalKeyWrapper implements KeyWrapper {
  readonly id: string;

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes");
    // A fingerprint names the key without revealing it (a one-way hash of 256 random bits).
    this.id = `local:${createHash("sha256").update("scrollintel-master-key-id").update(masterKey).digest("hex").slice(0, 16)}`;
  }

  wrap(dataKey: Buffer, ctx: WrapContext): Promise<Buffer> {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.masterKey, iv);
    c.setAAD(contextAad(ctx));
    const body = Buffer.concat([c.update(dataKey), c.final()]);
    return Promise.resolve(Buffer.concat([iv, body, c.getAuthTag()]));
  }

  unwrap(wrapped: Buffer, ctx: WrapContext): Promise<Buffer> {
    const d = createDecipheriv("aes-256-gcm", this.masterKey, wrapped.subarray(0, 12));
    d.setAAD(contextAad(ctx));
    d.setAuthTag(wrapped.subarray(wrapped.length - 16));
    const key = Buffer.concat([d.update(wrapped.subarray(12, wrapped.length - 16)), d.final()]);
    return Promise.resolve(key);
  }
}

/** A master key as configured: 64 hex digits or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  const b = Buffer.from(t, "base64");
  return b.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(t) ? b : null;
}
