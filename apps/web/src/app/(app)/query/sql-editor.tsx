"use client";
import { closeCompletion } from "@codemirror/autocomplete";
import { PostgreSQL, schemaCompletionSource } from "@codemirror/lang-sql";
import CodeMirror, { EditorView, keymap, Prec, type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { forwardRef, useImperativeHandle, useMemo, useRef } from "react";
import { columnCompletionSource, type CompletionDataset } from "./sql-completion";

export interface SqlEditorHandle {
  /**
   * Puts text at the cursor (replacing a selection) and focuses the editor;
   * at the end when the cursor was never placed (a click elsewhere must not
   * glue "weather" to the start of the SQL).
   */
  insert(text: string): void;
}

/**
 * CodeMirror with SQL highlighting and completion of the tenant's datasets
 * and their columns, with or without `dataset.` (sql-completion.ts).
 * Ctrl/Cmd+Enter runs. DuckDB has no CodeMirror dialect; PostgreSQL's is the
 * closest for highlighting, but its keyword list is not offered.
 */
export const SqlEditor = forwardRef<
  SqlEditorHandle,
  {
    value: string;
    onChange: (sql: string) => void;
    onRun: () => void;
    datasets: readonly CompletionDataset[] | undefined;
    placeholder?: string;
  }
>(function SqlEditor(props, ref) {
  const cm = useRef<ReactCodeMirrorRef>(null);
  const onRun = useRef(props.onRun);
  onRun.current = props.onRun;
  const datasets = useRef(props.datasets ?? []);
  datasets.current = props.datasets ?? [];
  // Whether the user put the cursor somewhere since the text last changed from outside.
  const placed = useRef(false);
  useImperativeHandle(ref, () => ({
    insert(text) {
      const view = cm.current?.view;
      if (!view) return;
      const sel = view.state.selection.main;
      const { from, to } = placed.current ? sel : { from: view.state.doc.length, to: view.state.doc.length };
      const before = view.state.sliceDoc(Math.max(0, from - 1), from);
      const insert = (before && /[\w)"]/.test(before) ? " " : "") + text;
      view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + insert.length } });
      view.focus();
      placed.current = true;
    },
  }));
  const schema = useMemo(
    () => Object.fromEntries((props.datasets ?? []).map((d) => [d.name, d.columns.map((c) => c.name)])),
    [props.datasets],
  );
  const extensions = useMemo(
    () => [
      PostgreSQL.language,
      PostgreSQL.language.data.of({ autocomplete: schemaCompletionSource({ dialect: PostgreSQL, schema }) }),
      PostgreSQL.language.data.of({ autocomplete: columnCompletionSource(() => datasets.current) }),
      EditorView.updateListener.of((u) => {
        if (u.selectionSet && u.view.hasFocus) placed.current = true;
        else if (u.docChanged && !u.view.hasFocus) placed.current = false;
      }),
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            preventDefault: true,
            run: (view) => {
              // A completion list left open would hide the first result rows.
              closeCompletion(view);
              onRun.current();
              return true;
            },
          },
        ]),
      ),
      EditorView.contentAttributes.of({ "aria-label": "SQL" }),
      EditorView.lineWrapping,
    ],
    [schema],
  );
  return (
    <div className="overflow-hidden rounded-md border border-slate-300 focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/30">
      <CodeMirror
        ref={cm}
        value={props.value}
        onChange={props.onChange}
        extensions={extensions}
        placeholder={props.placeholder}
        height="200px"
        basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }}
        className="text-sm"
      />
    </div>
  );
});
