import { percentUsed } from "@scrollintel/core/quota";
import { QuotaMeter } from "@scrollintel/ui/quota-meter";
import { formatBytes } from "./format";

/** Storage taken (used + reserved by uploads in flight) against the limit. */
export function StorageMeter(props: {
  label: string;
  quota: { storageBytesUsed: bigint; storageBytesReserved: bigint; storageBytesLimit: bigint };
}) {
  const taken = props.quota.storageBytesUsed + props.quota.storageBytesReserved;
  return (
    <QuotaMeter
      label={props.label}
      percent={percentUsed(taken, props.quota.storageBytesLimit)}
      usedLabel={formatBytes(taken)}
      limitLabel={formatBytes(props.quota.storageBytesLimit)}
    />
  );
}
