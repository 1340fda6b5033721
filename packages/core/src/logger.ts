import { pino, type DestinationStream, type Logger } from "pino";
import { currentLogFields } from "./log-context";
import { activeTraceIds } from "./tracing";

export type { Logger };

/**
 * The request's or job's ids (log-context.ts) and the active trace, on every
 * line, whichever logger writes it; ids a child logger already binds are not
 * repeated.
 */
function contextIds(_obj: object, _level: number, logger: Logger): Record<string, string> {
  const fields = currentLogFields();
  const ids = activeTraceIds();
  if (!fields && !ids) return {};
  const out: Record<string, string> = {};
  const bound = fields ? logger.bindings() : {};
  for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined && !(k in bound)) out[k] = v;
  if (ids) Object.assign(out, ids);
  return out;
}

/** The one logger; requests and jobs take a child with their ids. `destination` defaults to stdout. */
export function createLogger(opts: { level?: string; name: string; destination?: DestinationStream }): Logger {
  return pino(
    { name: opts.name, level: opts.level ?? "info", base: { svc: opts.name }, mixin: contextIds },
    opts.destination,
  );
}
