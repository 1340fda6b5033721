"use client";
import { closeCompletion } from "@codemirror/autocomplete";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import CodeMirror, { EditorView, keymap, Prec, type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { forwardRef, useImperativeHandle, useMemo, useRef } from "react";

export interface SqlEditorHandle {
  /** Puts text at the cursor (replacing a selection) and focuses the editor. */
  insert(text: string): void;
}

/**
 * CodeMirror with SQL highlighting and completion of the tenant's datasets
 * and their columns. Ctrl/Cmd+Enter runs. DuckDB has no CodeMirror dialect;
 * PostgreSQL's is the closest.
 */
export const SqlEditor = forwardRef<
  SqlEditorHandle,
  {
    value: string;
    onChange: (sql: string) => void;
    onRun: () => void;
    /** dataset name -> column names */
    schema: Record<string, string[]>;
    placeholder?: string;
  }
>(function SqlEditor(props, ref) {
  const cm = useRef<ReactCodeMirrorRef>(null);
  const onRun = useRef(props.onRun);
  onRun.current = props.onRun;
  useImperativeHandle(ref, () => ({
    insert(text) {
      const view = cm.current?.view;
      if (!view) return;
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
  }));
  const extensions = useMemo(
    () => [
      sql({ dialect: PostgreSQL, schema: props.schema, upperCaseKeywords: true }),
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
    [props.schema],
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
