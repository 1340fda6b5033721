// Keeps the start script's processes running: a process that exits is started
// again after a backoff, and one's crash never stops another. Stopping is
// ordered by the caller (web and worker first, the database last).
import { formatError } from "./format-error";
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff";

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** A started process as the supervisor sees it. */
export interface Running {
  pid: number | undefined;
  exited: Promise<ExitInfo>;
  /** Asks it to stop (SIGTERM, then SIGKILL after `graceMs`) and waits for it. */
  stop(graceMs: number): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  start(): Promise<Running>;
}

interface Service {
  spec: ServiceSpec;
  running: Running | null;
  startedAt: number;
  backoff: Backoff;
  timer: NodeJS.Timeout | null;
  launching: Promise<void> | null;
  stopping: boolean;
}

export function describeExit(x: ExitInfo): string {
  return x.signal ? `signal ${x.signal}` : `exit code ${x.code}`;
}

export class Supervisor {
  private readonly services = new Map<string, Service>();

  constructor(
    private readonly o: {
      say: (line: string) => void;
      backoff?: BackoffPolicy;
      /** Called after any process (re)starts or exits, e.g. to write the pid file. */
      onChange?: () => void;
    },
  ) {}

  /** Starts the service now; a failure to start is thrown, later exits are restarted. */
  async add(spec: ServiceSpec): Promise<void> {
    const s: Service = {
      spec,
      running: null,
      startedAt: 0,
      backoff: new Backoff(this.o.backoff ?? DEFAULT_BACKOFF),
      timer: null,
      launching: null,
      stopping: false,
    };
    this.services.set(spec.name, s);
    await this.launch(s);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.services].map(([n, s]) => [n, s.running?.pid]));
  }

  private async launch(s: Service): Promise<void> {
    s.startedAt = Date.now();
    const running = await s.spec.start();
    if (s.stopping) return running.stop(0); // stop() came while it was starting
    s.running = running;
    this.o.onChange?.();
    void running.exited.then((x) => this.onExit(s, running, x));
  }

  private onExit(s: Service, r: Running, x: ExitInfo): void {
    if (s.stopping || s.running !== r) return;
    s.running = null;
    this.o.onChange?.();
    const ran = Date.now() - s.startedAt;
    const delay = s.backoff.nextDelayMs(ran);
    this.o.say(
      `${s.spec.name} (pid ${r.pid}) exited with ${describeExit(x)} after ${(ran / 1000).toFixed(1)} s; restarting in ${(delay / 1000).toFixed(1)} s`,
    );
    this.schedule(s, delay);
  }

  private schedule(s: Service, delay: number): void {
    s.timer = setTimeout(() => {
      s.timer = null;
      if (s.stopping) return;
      s.launching = this.launch(s)
        .catch((e: unknown) => {
          if (s.stopping) return;
          const next = s.backoff.nextDelayMs(0);
          this.o.say(
            `${s.spec.name} could not be restarted: ${formatError(e)}; trying again in ${(next / 1000).toFixed(1)} s`,
          );
          this.schedule(s, next);
        })
        .finally(() => (s.launching = null));
    }, delay);
  }

  /** Stops the named services (all when omitted) together and waits for them. */
  async stop(names?: string[], graceMs = 10_000): Promise<void> {
    const targets = [...this.services.values()].filter((s) => !names || names.includes(s.spec.name));
    await Promise.all(
      targets.map(async (s) => {
        s.stopping = true;
        if (s.timer) clearTimeout(s.timer);
        await s.launching;
        await s.running?.stop(graceMs);
      }),
    );
  }
}
