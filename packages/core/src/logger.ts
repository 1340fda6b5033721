import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** The one logger; requests and jobs take a child with their ids. `destination` defaults to stdout. */
export function createLogger(opts: { level?: string; name: string; destination?: DestinationStream }): Logger {
  return pino({ name: opts.name, level: opts.level ?? "info", base: { svc: opts.name } }, opts.destination);
}
