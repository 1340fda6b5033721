import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { marked } from "marked";

/** Docs the app shows in its own pages; a closed list, so no path ever comes from a request. */
const DOCS = { integrations: "integrations.md" } as const;

/**
 * A repository doc rendered to HTML on the server (no markdown code reaches
 * the browser). The text is ours, from docs/, so its HTML is trusted.
 */
export async function renderDoc(name: keyof typeof DOCS): Promise<string> {
  const text = await fs.readFile(path.join(process.cwd(), "../../docs", DOCS[name]), "utf8");
  // Code blocks and tables scroll sideways on a phone; tabindex lets a keyboard scroll them too.
  return marked
    .parse(text, { async: false, gfm: true })
    .replaceAll("<pre>", '<pre tabindex="0">')
    .replaceAll("<table>", '<table tabindex="0">');
}
