/**
 * A streaming source the worker consumes into a dataset. Positions are the
 * source's own message ids in order (JetStream: the stream sequence; Kafka:
 * the partition offset, one connector per partition), so the position
 * committed with each segment makes redelivered messages exactly-once.
 */
export interface SourceBatch {
  /** One payload per message, in source order. */
  messages: Uint8Array[];
  /** Position of the first and last message of the batch. */
  first: bigint;
  last: bigint;
  /** Messages the source still holds after `last`, when it says (the connector's lag). */
  pending?: bigint;
}

export interface SourceConnector {
  /** Messages after `position`, up to the limits; null when none arrived within `waitMs`. */
  pull(opts: { after: bigint; maxMessages: number; maxBytes: number; waitMs: number }): Promise<SourceBatch | null>;
  close(): Promise<void>;
}

/** Non-secret settings of a NATS JetStream connector. */
export interface NatsConnectorConfig {
  servers: string[];
  stream: string;
  /** Subject filter inside the stream; all subjects when absent. */
  subject?: string;
}

/** Credentials, encrypted at rest: a token, or user and password. */
export interface NatsCredentials {
  token?: string;
  user?: string;
  pass?: string;
}
