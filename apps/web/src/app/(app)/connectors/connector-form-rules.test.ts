import { describe, expect, it } from "vitest";
import { credentialsOf, splitServers, validateConnectorForm, type ConnectorFormValues } from "./connector-form-rules";

const ok: ConnectorFormValues = {
  servers: "nats://127.0.0.1:4222",
  stream: "ORDERS",
  subject: "orders.>",
  datasetName: "orders",
  auth: "none",
  token: "",
  user: "",
  pass: "",
};

describe("connector form rules", () => {
  it("accepts a complete form", () => {
    expect(validateConnectorForm(ok)).toEqual({});
  });

  it("names each field that is wrong and why", () => {
    const e = validateConnectorForm({
      ...ok,
      servers: "nats://a:4222, http://b",
      stream: "my stream",
      subject: "a b",
      datasetName: "Orders",
      auth: "userpass",
      user: "u",
    });
    expect(e.servers).toContain("“http://b” is not nats://host:port");
    expect(e.stream).toMatch(/stream name/);
    expect(e.subject).toMatch(/no spaces/);
    expect(e.datasetName).toMatch(/Lowercase/);
    expect(e.pass).toBe("Enter the password.");
    expect(e.user).toBeUndefined();
  });

  it("reads servers one per line or comma-separated", () => {
    expect(splitServers("nats://a:1\nnats://b:2, tls://c")).toEqual(["nats://a:1", "nats://b:2", "tls://c"]);
    expect(validateConnectorForm({ ...ok, servers: " " }).servers).toMatch(/Enter the server URL/);
  });

  it("keeps, replaces or removes stored credentials when editing", () => {
    expect(credentialsOf({ ...ok, auth: "keep" }, true)).toBeUndefined();
    expect(credentialsOf({ ...ok, auth: "none" }, true)).toBeNull();
    expect(credentialsOf({ ...ok, auth: "none" }, false)).toBeUndefined();
    expect(credentialsOf({ ...ok, auth: "token", token: "t" }, true)).toEqual({ token: "t" });
  });
});
