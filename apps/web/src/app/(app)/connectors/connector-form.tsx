"use client";
import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label, Select, Textarea } from "@scrollintel/ui/input";
import {
  credentialsOf,
  splitServers,
  validateConnectorForm,
  type ConnectorField,
  type ConnectorFormValues,
} from "./connector-form-rules";

export interface ConnectorSubmit {
  servers: string[];
  stream: string;
  subject?: string;
  datasetName: string;
  credentials?: { token?: string; user?: string; pass?: string } | null;
}

const ORDER: ConnectorField[] = ["servers", "stream", "subject", "datasetName", "token", "user", "pass"];

/**
 * Create or edit a NATS JetStream connector. Errors are shown under their
 * field (aria-invalid, described by the message) and focus goes to the first
 * one; stored credentials are never shown back, only kept, replaced or removed.
 */
export function ConnectorForm({
  initial,
  editing,
  busy,
  serverError,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: ConnectorFormValues;
  editing: boolean;
  busy: boolean;
  serverError: string | null;
  submitLabel: string;
  onSubmit: (v: ConnectorSubmit) => void;
  onCancel?: () => void;
}) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<ConnectorField, string>>>({});
  const form = useRef<HTMLFormElement>(null);
  const set = (k: ConnectorField) => (e: { target: { value: string } }) =>
    setV((cur) => ({ ...cur, [k]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateConnectorForm(v);
    setErrors(found);
    const first = ORDER.find((k) => found[k]);
    if (first) {
      form.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onSubmit({
      servers: splitServers(v.servers),
      stream: v.stream.trim(),
      subject: v.subject.trim() || undefined,
      datasetName: v.datasetName.trim(),
      credentials: credentialsOf(v, editing),
    });
  }

  const field = (k: ConnectorField, label: string, input: ReactNode, hint?: string) => (
    <div>
      <Label htmlFor={`connector-${k}`}>{label}</Label>
      {input}
      {hint ? (
        <p id={`connector-${k}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {errors[k] ? (
        <p id={`connector-${k}-error`} className="mt-1 text-xs font-medium text-rose-700">
          {errors[k]}
        </p>
      ) : null}
    </div>
  );
  const a11y = (k: ConnectorField, hint = false) => ({
    id: `connector-${k}`,
    name: k,
    className: errors[k] ? "border-rose-500" : undefined,
    "aria-invalid": errors[k] ? true : undefined,
    "aria-describedby":
      [hint ? `connector-${k}-hint` : "", errors[k] ? `connector-${k}-error` : ""].filter(Boolean).join(" ") ||
      undefined,
  });

  return (
    <form ref={form} onSubmit={submit} noValidate className="space-y-3" aria-label={submitLabel}>
      {field(
        "servers",
        "Server URLs",
        <Textarea {...a11y("servers", true)} rows={2} value={v.servers} onChange={set("servers")} spellCheck={false} />,
        "nats://host:port or tls://host:port, one per line.",
      )}
      {field("stream", "Stream", <Input {...a11y("stream")} value={v.stream} onChange={set("stream")} />)}
      {field(
        "subject",
        "Subject filter (optional)",
        <Input {...a11y("subject", true)} value={v.subject} onChange={set("subject")} placeholder="orders.>" />,
        "Only messages on matching subjects; all of the stream's when empty.",
      )}
      {field(
        "datasetName",
        "Target dataset",
        <Input {...a11y("datasetName", true)} value={v.datasetName} onChange={set("datasetName")} />,
        "A streaming dataset; created with the first messages if it does not exist.",
      )}
      <div>
        <Label htmlFor="connector-auth">Credentials</Label>
        <Select id="connector-auth" name="auth" value={v.auth} onChange={set("auth")}>
          {editing ? <option value="keep">Keep the stored credentials</option> : null}
          <option value="none">{editing ? "None (remove any stored)" : "None"}</option>
          <option value="token">Token</option>
          <option value="userpass">User and password</option>
        </Select>
        <p className="mt-1 text-xs text-slate-500">Stored encrypted; never shown again.</p>
      </div>
      {v.auth === "token"
        ? field(
            "token",
            "Token",
            <Input {...a11y("token")} type="password" autoComplete="off" value={v.token} onChange={set("token")} />,
          )
        : null}
      {v.auth === "userpass" ? (
        <>
          {field("user", "User", <Input {...a11y("user")} autoComplete="off" value={v.user} onChange={set("user")} />)}
          {field(
            "pass",
            "Password",
            <Input
              {...a11y("pass")}
              type="password"
              autoComplete="new-password"
              value={v.pass}
              onChange={set("pass")}
            />,
          )}
        </>
      ) : null}
      {serverError ? <ErrorNotice title="Not saved" message={serverError} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </Button>
        {onCancel ? (
          <Button type="button" variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
