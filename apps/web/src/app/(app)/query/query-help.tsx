"use client";
import { useQuery } from "@tanstack/react-query";
import { formatBytes, formatDuration } from "@/components/format";
import { useTRPC } from "@/trpc/client";

/** The editor's keys (CodeMirror's defaults plus Run); listed because nobody guesses them. */
export const SHORTCUTS: readonly [keys: string[], what: string][] = [
  [["Ctrl+Enter", "⌘+Enter"], "Run the query"],
  [["Ctrl+Space"], "Suggest datasets, columns and keywords"],
  [["Enter", "Tab"], "Accept the suggestion"],
  [["Esc"], "Close the suggestions"],
  [["Ctrl+/", "⌘+/"], "Comment or uncomment the line"],
  [["Ctrl+F", "⌘+F"], "Find in the SQL"],
  [["Ctrl+Z", "⌘+Z"], "Undo"],
  [["Alt+↑", "Alt+↓"], "Move the line up or down"],
];

const kbd = "rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs";

export function ShortcutsList() {
  return (
    <details className="text-sm text-slate-600" data-testid="shortcuts">
      <summary className="cursor-pointer select-none text-indigo-700 hover:underline">Keyboard shortcuts</summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="contents">
            <dt className="whitespace-nowrap">
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 ? <span className="mx-1 text-xs text-slate-400">or</span> : null}
                  <kbd className={kbd}>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The plan's per-query limits, so a query stopped by one is no surprise. */
export function PlanLimits() {
  const trpc = useTRPC();
  const quota = useQuery(trpc.quota.get.queryOptions());
  if (!quota.data) return null;
  const { queryTimeoutMs, queryMemoryLimitMb } = quota.data;
  return (
    <p className="text-sm text-slate-500" data-testid="plan-limits">
      Your plan stops a query after {formatDuration(queryTimeoutMs / 1000)} and gives it{" "}
      {formatBytes(BigInt(queryMemoryLimitMb) * 1024n * 1024n)} of memory.
    </p>
  );
}
