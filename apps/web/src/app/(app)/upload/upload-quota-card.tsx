"use client";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { formatBytes } from "@/components/format";
import { BytesMeter, StorageMeter } from "@/components/storage-meter";

interface QuotaNumbers {
  storageBytesUsed: bigint;
  storageBytesReserved: bigint;
  storageBytesLimit: bigint;
  storageHeadroom: bigint;
  maxFileBytes: bigint;
}

/**
 * Storage now (used + reserved by uploads in progress) and after the files on
 * this page finish: reserved bytes become used, and files not yet accepted
 * by the server (`pendingBytes`) are added.
 */
export function UploadQuotaCard(props: { quota: QuotaNumbers | undefined; pendingBytes: bigint }) {
  const q = props.quota;
  const now = q ? q.storageBytesUsed + q.storageBytesReserved : 0n;
  const after = now + props.pendingBytes;
  return (
    <Card>
      <CardHeader title="Storage" />
      <CardBody className="space-y-4">
        {q ? (
          <>
            <StorageMeter label="Now" quota={q} />
            <BytesMeter label="After these uploads" used={after} limit={q.storageBytesLimit} />
            <p className="text-xs text-slate-500" data-testid="quota-left">
              {formatBytes(q.storageHeadroom)} left · largest file {formatBytes(q.maxFileBytes)}
              {q.storageBytesReserved > 0n
                ? ` · ${formatBytes(q.storageBytesReserved)} held by unfinished uploads`
                : ""}
            </p>
            {after > q.storageBytesLimit ? (
              <p className="text-xs text-rose-700" role="alert">
                These files need more than is left; the ones that do not fit will be refused.
              </p>
            ) : null}
          </>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </CardBody>
    </Card>
  );
}
