import { describe, expect, it } from "vitest";
import { checkMetricsToken } from "./metrics-token";
import { tracingWanted } from "../tracing-setup";

describe("checkMetricsToken", () => {
  const token = "a-metrics-token-of-32-characters";
  it("refuses everyone when no token is configured, even a caller sending one", () => {
    expect(checkMetricsToken(undefined, `Bearer ${token}`)).toBe("disabled");
    expect(checkMetricsToken("", null)).toBe("disabled");
  });
  it("lets only the exact bearer token through", () => {
    expect(checkMetricsToken(token, `Bearer ${token}`)).toBe("ok");
    expect(checkMetricsToken(token, `bearer  ${token}`)).toBe("ok");
    expect(checkMetricsToken(token, null)).toBe("denied");
    expect(checkMetricsToken(token, token)).toBe("denied");
    expect(checkMetricsToken(token, `Bearer ${token}x`)).toBe("denied");
    expect(checkMetricsToken(token, `Basic ${token}`)).toBe("denied");
  });
});

describe("tracingWanted", () => {
  it("is off by default and on only for an OTLP exporter", () => {
    expect(tracingWanted({ OTEL_SDK_DISABLED: false })).toBe(false);
    expect(tracingWanted({ OTEL_SDK_DISABLED: false, OTEL_TRACES_EXPORTER: "otlp" })).toBe(true);
    expect(tracingWanted({ OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" })).toBe(true);
    const endpoint = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" };
    expect(tracingWanted({ OTEL_SDK_DISABLED: false, ...endpoint })).toBe(true);
    expect(tracingWanted({ OTEL_SDK_DISABLED: true, ...endpoint })).toBe(false);
    expect(tracingWanted({ OTEL_SDK_DISABLED: false, OTEL_TRACES_EXPORTER: "none", ...endpoint })).toBe(false);
  });
});
