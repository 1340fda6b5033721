"use client";
import { ROLES } from "@scrollintel/shared/roles";
import { Button } from "@scrollintel/ui/button";
import { Select } from "@scrollintel/ui/input";

export interface PolicyGroup {
  id: string;
  name: string;
}

/** The list with item `i` changed by `patch`: how a rule row edits its own rule. */
export const replaceAt = <T,>(list: T[], i: number, patch: Partial<T>): T[] =>
  list.map((x, j) => (j === i ? { ...x, ...patch } : x));

/** The editor writes one subject per rule; a rule for several subjects is several rules. */
function SubjectSelect(props: { id: string; value: string; groups: PolicyGroup[]; onChange: (v: string) => void }) {
  return (
    <Select id={props.id} aria-label="Applies to" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="everyone">everyone</option>
      {ROLES.map((r) => (
        <option key={r} value={`role:${r}`}>
          role {r.toLowerCase()}
        </option>
      ))}
      {props.groups.map((g) => (
        <option key={g.id} value={`group:${g.id}`}>
          group {g.name}
        </option>
      ))}
    </Select>
  );
}

/** What every rule row (mask or row filter) ends with: whom it applies to, and Remove. */
export function PolicyRuleEnd(props: {
  id: string;
  subject: string;
  groups: PolicyGroup[];
  onSubject: (v: string) => void;
  onRemove: () => void;
}) {
  return (
    <>
      <SubjectSelect id={props.id} value={props.subject} groups={props.groups} onChange={props.onSubject} />
      <Button variant="ghost" size="sm" onClick={props.onRemove}>
        Remove
      </Button>
    </>
  );
}
