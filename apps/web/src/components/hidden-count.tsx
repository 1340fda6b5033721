/** In place of a row count the reader's row filter would make a count of rows it may not see. */
export function HiddenCount() {
  return (
    <span
      className="whitespace-nowrap text-xs text-slate-500"
      title="Rows hidden by your access policy (a row filter applies to you)"
    >
      hidden by policy
    </span>
  );
}
