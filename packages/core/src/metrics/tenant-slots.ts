/** Tenants named in labels: more are folded into "other", so the series count stays bounded. */
export const TOP_TENANTS = 5;

/**
 * Running jobs of this process by tenant, for the slots-by-tenant gauge.
 * Cardinality is bounded: at most TOP_TENANTS tenant ids plus "other" and
 * "system" (jobs of no tenant: cron).
 */
export class TenantSlots {
  private readonly running = new Map<string, number>();

  take(tenant: string | null): () => void {
    const key = tenant ?? "system";
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.running.get(key) ?? 1) - 1;
      if (n <= 0) this.running.delete(key);
      else this.running.set(key, n);
    };
  }

  /** [label, slots]: the busiest tenants first, the rest summed as "other". */
  top(limit = TOP_TENANTS): [string, number][] {
    const system = this.running.get("system");
    const tenants = [...this.running].filter(([k]) => k !== "system").sort((a, b) => b[1] - a[1]);
    const out: [string, number][] = tenants.slice(0, limit);
    const rest = tenants.slice(limit).reduce((s, [, n]) => s + n, 0);
    if (rest) out.push(["other", rest]);
    if (system) out.push(["system", system]);
    return out;
  }
}
