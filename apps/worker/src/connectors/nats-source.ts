import { connect, DeliverPolicy, type Consumer, type NatsConnection } from "nats";
import type {
  NatsConnectorConfig,
  NatsCredentials,
  SourceBatch,
  SourceConnector,
} from "@scrollintel/core/stream/source-connector";

/**
 * A JetStream stream as a source: an ordered consumer from the position
 * after the last committed message (JetStream's stream sequence), so nothing
 * is acked on the server and a restart simply reads on from the position
 * committed in PostgreSQL.
 */
export class NatsSource implements SourceConnector {
  private consumer: Consumer | null = null;
  private next = 0n;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly config: NatsConnectorConfig,
  ) {}

  static async open(config: NatsConnectorConfig, credentials: NatsCredentials | null): Promise<NatsSource> {
    const servers = config.servers.map((s) => s.replace(/^nats:\/\//, ""));
    const nc = await connect({ servers, ...credentials, timeout: 5000, maxReconnectAttempts: 3 });
    return new NatsSource(nc, config);
  }

  private async consumerFrom(seq: bigint): Promise<Consumer> {
    if (this.consumer && this.next === seq) return this.consumer;
    const js = this.nc.jetstream();
    this.consumer = await js.consumers.get(this.config.stream, {
      // One subject as a string: servers before 2.10 know filter_subject only.
      ...(this.config.subject ? { filterSubjects: this.config.subject } : {}),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Number(seq),
    });
    this.next = seq;
    return this.consumer;
  }

  async pull(opts: {
    after: bigint;
    maxMessages: number;
    maxBytes: number;
    waitMs: number;
  }): Promise<SourceBatch | null> {
    const consumer = await this.consumerFrom(opts.after + 1n);
    const iter = await consumer.fetch({ max_messages: opts.maxMessages, expires: Math.max(1000, opts.waitMs) });
    const messages: Uint8Array[] = [];
    let first = 0n;
    let last = 0n;
    let bytes = 0;
    let pending = 0n;
    for await (const m of iter) {
      const seq = BigInt(m.seq);
      if (seq <= opts.after) continue; // already committed
      if (!messages.length) first = seq;
      messages.push(m.data);
      last = seq;
      pending = BigInt(m.info.pending);
      bytes += m.data.length;
      if (bytes >= opts.maxBytes) break;
    }
    if (!messages.length) return null;
    // A batch cut short by maxBytes leaves the consumer mid-fetch: the next pull starts a fresh one.
    if (bytes >= opts.maxBytes) this.consumer = null;
    else this.next = last + 1n;
    return { messages, first, last, pending };
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
