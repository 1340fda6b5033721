// A tRPC mutation is accepted only as application/json from our own origin:
// the cross-site form post the attacker would use (multipart/form-data or
// text/plain, foreign Origin, with the victim's cookie) is refused before the
// procedure runs, with a 4xx that says why. API-key clients send no Origin and
// no cookie, and still work.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@scrollintel/core/logger";
import { createApiKey } from "@scrollintel/core/services/api-key-service";
import { authSecret } from "@/env";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { createTrpcHandler } from "./trpc-handler";

const log = createLogger({ name: "test", level: "silent" });
let t: TestDb;
let user: TestUser;
let cookie: string;
let apiKey: string;
const APP = "https://scrollintel.example";

beforeAll(async () => {
  t = await createTestDb();
  user = await createMember(t.db, await createTenant(t.db), "OWNER");
  const token = await encode({ token: { uid: user.id, email: user.email, name: "x", sv: 0 }, secret: authSecret() });
  cookie = `next-auth.session-token=${token}; si_tenant=${user.slug}`;
  apiKey = (await createApiKey(t.db, ctxOf(user), { name: "ci", scopes: ["query"] })).key;
});
afterAll(async () => {
  await t?.drop();
});

const handler = () => createTrpcHandler(() => ({ db: t.db, log, appUrl: APP }));
const input = { json: { name: "probe", sql: "SELECT 1" } };

function post(headers: Record<string, string>, body: BodyInit = JSON.stringify(input)): Promise<Response> {
  return handler()(
    new Request("https://scrollintel.example/api/trpc/savedQuery.create", {
      method: "POST",
      headers: { host: "scrollintel.example", ...headers },
      body,
    }),
  );
}

const saved = () => t.db.savedQuery.count({ where: { tenantId: user.tenantId } });

describe("tRPC mutations: JSON from our own origin only", () => {
  it.each([
    [
      "multipart/form-data from another site",
      { "content-type": "multipart/form-data; boundary=x", origin: "https://evil.example" },
      415,
      /application\/json/,
    ],
    [
      "text/plain from another site",
      { "content-type": "text/plain", origin: "https://evil.example" },
      415,
      /application\/json/,
    ],
    ["form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }, 415, /application\/json/],
    ["no content type", {}, 415, /application\/json/],
    ["JSON from another site", { "content-type": "application/json", origin: "https://evil.example" }, 403, /Origin/],
    [
      "JSON from a look-alike host",
      { "content-type": "application/json", origin: "https://scrollintel.example.evil.example" },
      403,
      /Origin/,
    ],
    ["JSON from an opaque origin", { "content-type": "application/json", origin: "null" }, 403, /Origin/],
    [
      "JSON marked cross-site by the browser",
      { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      403,
      /cross-site/,
    ],
  ] as [string, Record<string, string>, number, RegExp][])(
    "refuses %s with the victim's cookie",
    async (_name, headers, status, message) => {
      const before = await saved();
      const body = headers["content-type"]?.startsWith("multipart")
        ? `--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nprobe\r\n--x--\r\n`
        : JSON.stringify(input);
      const res = await post({ cookie, ...headers }, body);
      expect(res.status).toBe(status);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
      expect(await saved()).toBe(before);
    },
  );

  it("runs JSON from our own pages (by NEXTAUTH_URL or by the Host addressed)", async () => {
    const before = await saved();
    for (const origin of [APP, "http://scrollintel.example"]) {
      const res = await post({ cookie, "content-type": "application/json", origin, "sec-fetch-site": "same-origin" });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    expect(await saved()).toBe(before + 2);
  });

  it("runs an API-key call without cookie or Origin", async () => {
    const res = await handler()(
      new Request("http://10.0.0.5:3000/api/trpc/dataset.list", { headers: { authorization: `Bearer ${apiKey}` } }),
    );
    expect(res.status).toBe(200);
    const before = await saved();
    const created = await post({
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json; charset=utf-8",
    });
    expect(created.status).toBe(200);
    expect(await saved()).toBe(before + 1);
  });
});
