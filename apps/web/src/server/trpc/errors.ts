import { TRPCError } from "@trpc/server";
import type { Logger } from "@scrollintel/core/logger";
import { classifyError, logEdgeError } from "@/server/http/classify-error";

/** Errors already mapped (and logged): an outer middleware passes them on untouched. */
const mapped = new WeakSet<TRPCError>();

/** zod's issues as "field.path: message" lines, so a 400 names the field. */
interface ZodLike {
  name: "ZodError";
  issues: { path: PropertyKey[]; message: string }[];
}

function isZodError(e: unknown): e is ZodLike {
  return e instanceof Error && e.name === "ZodError" && Array.isArray((e as Partial<ZodLike>).issues);
}

function fieldOf(path: PropertyKey[]): string {
  const s = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return s.replace(/^\./, "") || "input";
}

function describeZodError(e: ZodLike): string {
  return e.issues.map((i) => `${fieldOf(i.path)}: ${i.message}`).join("; ");
}

/**
 * The one place any error becomes a tRPC error, through the edge's table:
 * domain codes, 503 for an outage (with Retry-After), and for anything else
 * a 500 that names only the request id, logged with its cause.
 */
export function toTrpcError(e: unknown, scope: { requestId: string; log: Logger; resHeaders?: Headers }): TRPCError {
  if (e instanceof TRPCError && mapped.has(e)) return e;
  const cause = e instanceof TRPCError && e.code === "INTERNAL_SERVER_ERROR" ? (e.cause ?? e) : e;
  let out: TRPCError;
  if (cause instanceof TRPCError && isZodError(cause.cause)) {
    out = new TRPCError({ code: cause.code, message: describeZodError(cause.cause), cause: cause.cause });
  } else if (cause instanceof TRPCError) {
    out = cause;
  } else {
    const edge = classifyError(cause, scope.requestId);
    logEdgeError(scope.log, cause, edge);
    if (edge.retryAfter !== undefined) scope.resHeaders?.set("Retry-After", String(edge.retryAfter));
    out = new TRPCError({ code: edge.trpc, message: edge.message, cause: cause instanceof Error ? cause : undefined });
  }
  mapped.add(out);
  return out;
}

/** Whether `e` went through toTrpcError (so its message is safe and it was logged). */
export function isMappedTrpcError(e: TRPCError): boolean {
  return mapped.has(e);
}
