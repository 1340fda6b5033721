"use client";
import { useState, type ReactNode } from "react";
import { Card, CardBody } from "@scrollintel/ui/card";
import { cn } from "@scrollintel/ui/cn";
import { TABS, type Tab } from "./use-query-url-state";

/**
 * The datasets / saved / history side of the query page. On a phone it comes
 * after the editor and starts folded: the schema list is long.
 */
export function QuerySidebar(props: {
  tab: Tab;
  onTab: (t: Tab) => void;
  children: ReactNode;
  className?: string;
  /** Start unfolded (a restored page whose saved or history tab was open). */
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(props.defaultOpen ?? false);
  return (
    <Card className={props.className}>
      <button
        type="button"
        className="flex w-full items-center justify-between px-4 py-3 text-sm font-medium text-slate-700 lg:hidden"
        aria-expanded={open}
        aria-controls="query-sidebar-body"
        onClick={() => setOpen((o) => !o)}
      >
        Datasets, saved queries and history
        <span aria-hidden>{open ? "▲" : "▼"}</span>
      </button>
      <div id="query-sidebar-body" className={cn(!open && "hidden", "lg:block")} data-testid="query-sidebar">
        <div className="flex gap-1 border-b border-slate-100 px-3 pt-3" role="tablist">
          {TABS.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={props.tab === t}
              onClick={() => props.onTab(t)}
              className={cn(
                "rounded-t-md px-3 py-1.5 text-sm font-medium text-slate-600",
                props.tab === t && "bg-indigo-50 text-indigo-700",
              )}
            >
              {t}
            </button>
          ))}
        </div>
        <CardBody className="max-h-[70vh] overflow-auto">{props.children}</CardBody>
      </div>
    </Card>
  );
}
