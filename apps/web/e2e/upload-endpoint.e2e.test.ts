// The tus endpoint from the attacker's side and at the quota's edge, over real HTTP.
import { beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInCookie } from "../../../test/e2e-session";

const baseUrl = inject("baseUrl");
const TUS = { "Tus-Resumable": "1.0.0" };
let acme = "";
let globex = "";

function meta(filename: string): string {
  return `filename ${Buffer.from(filename).toString("base64")}`;
}

async function create(cookie: string, length: number, filename = "data.csv") {
  return fetch(`${baseUrl}/api/uploads`, {
    method: "POST",
    headers: { ...TUS, cookie, "Upload-Length": String(length), "Upload-Metadata": meta(filename) },
  });
}

beforeAll(async () => {
  acme = await signInCookie(baseUrl, "analyst@acme.test");
  globex = await signInCookie(baseUrl, "analyst@globex.test");
});

describe("tus endpoint", () => {
  it("refuses requests without a session", async () => {
    const r = await create("", 10);
    expect(r.status).toBe(401);
  });

  it("refuses an upload over the workspace's limits with 413 and says what is allowed", async () => {
    const r = await create(acme, 200 * 1024 ** 3);
    expect(r.status).toBe(413);
    expect(await r.text()).toMatch(/^Upload needs 200.0 GiB but only 100.0 GiB of storage is left in this workspace./);
    const tooBig = await create(acme, 2 * 1024 ** 4);
    expect(tooBig.status).toBe(413);
  });

  it("refuses an upload of unknown length", async () => {
    const r = await fetch(`${baseUrl}/api/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie: acme, "Upload-Defer-Length": "1" },
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/Upload-Length is required/);
  });

  it("hides one tenant's upload from another: HEAD, PATCH and DELETE are 404", async () => {
    const r = await create(acme, 5);
    expect(r.status).toBe(201);
    const url = new URL(r.headers.get("location")!, baseUrl).toString();
    expect(url).toMatch(/\/api\/uploads\/[a-z0-9]{24}$/);
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, cookie: globex } });
    expect(head.status).toBe(404);
    const patch = await fetch(url, {
      method: "PATCH",
      headers: { ...TUS, cookie: globex, "Upload-Offset": "0", "content-type": "application/offset+octet-stream" },
      body: "12345",
    });
    expect(patch.status).toBe(404);
    const del = await fetch(url, { method: "DELETE", headers: { ...TUS, cookie: globex } });
    expect(del.status).toBe(404);
    // The owner still sees it untouched.
    const own = await fetch(url, { method: "HEAD", headers: { ...TUS, cookie: acme } });
    expect(own.status).toBe(200);
    expect(own.headers.get("upload-offset")).toBe("0");
    const done = await fetch(url, {
      method: "PATCH",
      headers: { ...TUS, cookie: acme, "Upload-Offset": "0", "content-type": "application/offset+octet-stream" },
      body: "a,b\n1",
    });
    expect(done.status).toBe(204);
    expect(done.headers.get("upload-dataset-id")).toMatch(/^c[a-z0-9]+$/);
  });

  it("ignores a client-chosen path in the file name", async () => {
    const r = await create(acme, 3, "../../../../etc/cron.d/x");
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toMatch(/^\/api\/uploads\/[a-z0-9]{24}$/);
  });
});
