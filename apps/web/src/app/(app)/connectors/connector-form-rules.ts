/** The connector form's values as typed, and the checks the server's schema makes, said field by field. */
export interface ConnectorFormValues {
  servers: string;
  stream: string;
  subject: string;
  datasetName: string;
  /** "keep" only when editing: the stored credentials stay as they are. */
  auth: "none" | "token" | "userpass" | "keep";
  token: string;
  user: string;
  pass: string;
}

export type ConnectorField = keyof ConnectorFormValues;

const SERVER = /^(nats|tls):\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const STREAM = /^[A-Za-z0-9_-]{1,64}$/;
const DATASET = /^[a-z][a-z0-9_]{0,62}$/;

/** Server URLs as entered: one per line or comma-separated. */
export function splitServers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function validateConnectorForm(v: ConnectorFormValues): Partial<Record<ConnectorField, string>> {
  const errors: Partial<Record<ConnectorField, string>> = {};
  const servers = splitServers(v.servers);
  const bad = servers.find((s) => !SERVER.test(s));
  if (!servers.length) errors.servers = "Enter the server URL, e.g. nats://nats.example.com:4222.";
  else if (servers.length > 8) errors.servers = "At most 8 server URLs.";
  else if (bad) errors.servers = `“${bad}” is not nats://host:port or tls://host:port.`;
  if (!STREAM.test(v.stream.trim()))
    errors.stream = "Enter the JetStream stream name: letters, digits, _ and - (at most 64).";
  if (v.subject.trim() && (/\s/.test(v.subject.trim()) || v.subject.trim().length > 200))
    errors.subject = "A subject has no spaces (at most 200 characters), e.g. orders.>";
  if (!DATASET.test(v.datasetName.trim()))
    errors.datasetName = "Lowercase letters, digits and _, starting with a letter (at most 63).";
  if (v.auth === "token" && !v.token) errors.token = "Enter the token, or choose no credentials.";
  if (v.auth === "userpass" && !v.user) errors.user = "Enter the user name.";
  if (v.auth === "userpass" && !v.pass) errors.pass = "Enter the password.";
  return errors;
}

/** The credentials to send: undefined keeps the stored ones (edit), null removes them. */
export function credentialsOf(v: ConnectorFormValues, editing: boolean) {
  if (v.auth === "keep") return undefined;
  if (v.auth === "token") return { token: v.token };
  if (v.auth === "userpass") return { user: v.user.trim(), pass: v.pass };
  return editing ? null : undefined;
}
