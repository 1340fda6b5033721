"use client";
import { useId } from "react";
import { ON_DUPLICATE, type UploadIntake } from "@scrollintel/core/intake-options";
import { Label, Select } from "@scrollintel/ui/input";

const DUPLICATE_LABELS: Record<UploadIntake["onDuplicate"], string> = {
  ask: "ask me",
  replace: "replace that dataset",
  append: "append to that dataset",
  keep: "keep both",
};

/** What happens to the next files before their ingest: a preview to review, and a repeated file. */
export function IntakeChoice({ value, onChange }: { value: UploadIntake; onChange: (v: UploadIntake) => void }) {
  const id = useId();
  return (
    <fieldset className="grid gap-3 sm:grid-cols-2" data-testid="intake-choice">
      <legend className="sr-only">Before ingest</legend>
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
          checked={value.review}
          onChange={(e) => onChange({ ...value, review: e.target.checked })}
        />
        <span>
          <span className="font-medium">Preview before ingest</span>
          <span className="block text-slate-500">See the first rows and adjust the reading options, then start.</span>
        </span>
      </label>
      <div>
        <Label htmlFor={`${id}dup`}>When the file is already here</Label>
        <Select
          id={`${id}dup`}
          value={value.onDuplicate}
          onChange={(e) => onChange({ ...value, onDuplicate: e.target.value as UploadIntake["onDuplicate"] })}
        >
          {ON_DUPLICATE.map((o) => (
            <option key={o} value={o}>
              {DUPLICATE_LABELS[o]}
            </option>
          ))}
        </Select>
      </div>
    </fieldset>
  );
}
