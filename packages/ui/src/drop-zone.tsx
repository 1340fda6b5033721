"use client";
import { useRef, useState, type DragEvent } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/** A drop target and file picker for many files at once. */
export function DropZone(props: { onFiles: (files: File[]) => void; hint?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) props.onFiles([...e.dataTransfer.files]);
  }
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
      className={cn(
        "flex flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors",
        over ? "border-indigo-500 bg-indigo-50" : "border-slate-300",
      )}
    >
      <p className="text-sm font-medium text-slate-800">Drop files here</p>
      <p className="mt-1 text-xs text-slate-500">or</p>
      <Button className="mt-2" variant="secondary" onClick={() => input.current?.click()}>
        Choose files…
      </Button>
      {props.hint ? <p className="mt-3 text-xs text-slate-500">{props.hint}</p> : null}
      <input
        ref={input}
        type="file"
        multiple
        className="sr-only"
        data-testid="file-input"
        aria-label="Choose files"
        tabIndex={-1}
        onChange={(e) => {
          props.onFiles([...(e.target.files ?? [])]);
          e.target.value = "";
        }}
      />
    </div>
  );
}
