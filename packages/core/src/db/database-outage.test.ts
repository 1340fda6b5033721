import { describe, expect, it } from "vitest";
import { isInfraOutage } from "../infra-outage";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isInfraOutage for PostgreSQL", () => {
  it("recognises an unreachable, restarting or closed server however it is wrapped", () => {
    expect(isInfraOutage(withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"))).toBe(true);
    expect(isInfraOutage(withCode("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(isInfraOutage(withCode("57P03", "the database system is starting up"))).toBe(true);
    expect(isInfraOutage(withCode("08006"))).toBe(true);
    expect(isInfraOutage(new Error("Connection terminated unexpectedly"))).toBe(true);
    // Prisma over the pg adapter, and graphile-worker's aggregate of several.
    expect(isInfraOutage(withCode("P1001", "Can't reach database server at 127.0.0.1:5432"))).toBe(true);
    expect(isInfraOutage(new Error("driver", { cause: { kind: "DatabaseNotReachable" } }))).toBe(true);
    expect(isInfraOutage(new AggregateError([withCode("ECONNRESET"), withCode("EPIPE")], "x"))).toBe(true);
    expect(isInfraOutage(new Error("Could not completeJobs", { cause: withCode("ECONNREFUSED") }))).toBe(true);
  });

  it("leaves bugs and refused statements fatal", () => {
    expect(isInfraOutage(withCode("23505", "duplicate key value violates unique constraint"))).toBe(false);
    expect(isInfraOutage(withCode("42601", "syntax error at or near"))).toBe(false);
    expect(isInfraOutage(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isInfraOutage(new AggregateError([withCode("ECONNRESET"), new Error("bug")], "x"))).toBe(false);
    expect(isInfraOutage("ECONNREFUSED")).toBe(false);
    expect(isInfraOutage(null)).toBe(false);
  });
});
