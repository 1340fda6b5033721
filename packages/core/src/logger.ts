import { pino, type Logger } from "pino";

export type { Logger };

/** The one logger; requests and jobs take a child with their ids. */
export function createLogger(opts: { level?: string; name: string }): Logger {
  return pino({ name: opts.name, level: opts.level ?? "info", base: { svc: opts.name } });
}
