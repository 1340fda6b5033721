/** Signs in through next-auth's credentials endpoint, as a browser would; returns the Cookie header. */
export async function signInCookie(baseUrl: string, email: string, password = "scrollintel"): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const cookies = [...jar, ...res.headers.getSetCookie().map((c) => c.split(";")[0]!)];
  if (!cookies.some((c) => c.startsWith("next-auth.session-token="))) throw new Error(`sign-in failed for ${email}`);
  return cookies.join("; ");
}
