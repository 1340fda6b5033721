// Outage or not, from the errors the drivers really throw: a Prisma client on
// a closed port gives the real wrapped shape; the pg, SQLSTATE and AWS shapes
// are the ones those libraries construct.
import net from "node:net";
import { describe, expect, it } from "vitest";
import { createDb } from "./db/client";
import { DomainError } from "./errors";
import { findInfraOutage, isInfraOutage } from "./infra-outage";

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function pgError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: "FATAL" });
}

describe("findInfraOutage", () => {
  it("sees Prisma's 'Can't reach database server' on models, raw queries and transactions", async () => {
    const db = createDb(`postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`, { max: 1 });
    const errors = await Promise.all([
      db.user.findMany().catch((e: unknown) => e),
      db.$queryRaw`SELECT 1`.catch((e: unknown) => e),
      db.$transaction((tx) => tx.user.count()).catch((e: unknown) => e),
    ]);
    for (const e of errors) expect(findInfraOutage(e)).toMatchObject({ dependency: "database" });
    await db.$disconnect();
  });

  it("sees P2028 only when it says no connection came in time (the shape a real one has is in read-path.int.test.ts)", () => {
    const waited = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
      code: "P2028",
    });
    expect(findInfraOutage(waited)).toMatchObject({ dependency: "database" });
    expect(isInfraOutage(Object.assign(new Error("Transaction already closed"), { code: "P2028" }))).toBe(false);
  });

  it("sees pg's admin shutdown, crash shutdown, start-up, too many connections and class 08", () => {
    for (const code of ["57P01", "57P02", "57P03", "53300", "08006", "08001"]) {
      expect(isInfraOutage(pgError(code, "x")), code).toBe(true);
    }
    expect(isInfraOutage(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isInfraOutage({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } } })).toBe(true);
    expect(isInfraOutage({ meta: { driverAdapterError: { cause: { kind: "TooManyConnections" } } } })).toBe(true);
  });

  it("sees socket errors under a wrapper, and names storage for AWS SDK faults", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9000"), { code: "ECONNREFUSED" });
    expect(findInfraOutage(new Error("fetch failed", { cause: refused }))).toEqual({
      dependency: "database",
      reason: "ECONNREFUSED",
    });
    const s3 = Object.assign(new Error("Service Unavailable"), {
      name: "ServiceUnavailable",
      $fault: "server",
      $metadata: { httpStatusCode: 503 },
    });
    expect(findInfraOutage(s3)).toMatchObject({ dependency: "storage" });
    const s3Socket = Object.assign(new Error("socket hang up"), { code: "ECONNRESET", $metadata: {} });
    expect(findInfraOutage(s3Socket)).toMatchObject({ dependency: "storage" });
    expect(isInfraOutage(new AggregateError([refused], "all attempts failed"))).toBe(true);
  });

  it("leaves bugs, bad requests and domain errors alone", () => {
    expect(isInfraOutage(new TypeError("x is undefined"))).toBe(false);
    expect(isInfraOutage(pgError("23505", "duplicate key"))).toBe(false);
    expect(isInfraOutage(pgError("22021", "invalid byte sequence"))).toBe(false);
    expect(isInfraOutage({ code: "P2002", meta: {} })).toBe(false);
    expect(isInfraOutage(new DomainError("NOT_FOUND", "x"))).toBe(false);
    const client = Object.assign(new Error("NoSuchKey"), {
      name: "NoSuchKey",
      $fault: "client",
      $metadata: { httpStatusCode: 404 },
    });
    expect(isInfraOutage(client)).toBe(false);
    expect(isInfraOutage(null)).toBe(false);
  });
});
