import { percentUsed } from "@scrollintel/core/quota";
import { QuotaMeter } from "@scrollintel/ui/quota-meter";
import { formatBytes } from "./format";

/** Bytes against a byte limit, both written out. */
export function BytesMeter(props: { label: string; used: bigint; limit: bigint; srLabel?: string }) {
  return (
    <QuotaMeter
      label={props.label}
      srLabel={props.srLabel}
      percent={percentUsed(props.used, props.limit)}
      usedLabel={formatBytes(props.used)}
      limitLabel={formatBytes(props.limit)}
    />
  );
}

/** Storage taken (used + reserved by uploads in flight) against the limit. */
export function StorageMeter(props: {
  label: string;
  srLabel?: string;
  quota: { storageBytesUsed: bigint; storageBytesReserved: bigint; storageBytesLimit: bigint };
}) {
  const { storageBytesUsed, storageBytesReserved, storageBytesLimit } = props.quota;
  return (
    <BytesMeter
      label={props.label}
      srLabel={props.srLabel}
      used={storageBytesUsed + storageBytesReserved}
      limit={storageBytesLimit}
    />
  );
}
