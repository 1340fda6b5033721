import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";

/** The end of a form run by useFormAction: its error, if any, above a full-width submit button. */
export function FormEnd(props: {
  error: string | null;
  errorTitle: string;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      {props.error ? <ErrorNotice title={props.errorTitle} message={props.error} /> : null}
      <Button type="submit" className="w-full" disabled={props.busy}>
        {props.busy ? props.busyLabel : props.label}
      </Button>
    </>
  );
}
