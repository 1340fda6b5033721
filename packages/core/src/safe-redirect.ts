/**
 * The one rule for redirect targets that come from a request (callbackUrl and
 * the like): only a path on this origin, else `fallback`. Browsers treat `\`
 * as `/` and drop tabs and newlines, so `/\evil.example` and `/\t/evil` are
 * other hosts; percent-encoded variants are judged after decoding too.
 * Client-safe: no Node imports.
 */
export function safeRedirectPath(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > 2048) return fallback;
  let decoded = target;
  // Decode a few rounds, so %2F%2F and %252F%252F are judged as what a browser may end up with.
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return fallback;
    }
  }
  // The raw target has no whitespace, control characters or backslashes at all (URL parsers
  // strip tabs and newlines and read `\` as `/`); once decoded, its path part has none either.
  const decodedPath = decoded.split(/[?#]/, 1)[0]!;
  if (hasUnsafeChar(target, { space: true }) || hasUnsafeChar(decodedPath, { space: false })) return fallback;
  for (const s of [target, decodedPath]) {
    if (!s.startsWith("/") || s.startsWith("//")) return fallback;
  }
  // Last word from the URL parser itself: resolved against a dummy origin, it must stay there.
  const base = "http://same-origin.invalid";
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Control characters (C0, DEL, C1), backslashes and, when asked, spaces. */
function hasUnsafeChar(s: string, opts: { space: boolean }): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c || (opts.space && c === 0x20)) return true;
  }
  return false;
}
