import type { WorkerEvents } from "graphile-worker";

/**
 * Which graphile-worker pool ids of this process are alive: the running
 * pool, and a stopped pool while a job it took is still running here (its
 * locks still belong to live work). These are the ids the heartbeat writes;
 * a pool that stopped and has no job left goes silent, so any worker then
 * releases whatever it still had locked (a job whose completion was lost in
 * an outage, for instance).
 */
export class PoolTracker {
  private readonly pools = new Map<string, { released: boolean; active: number }>();

  attach(events: WorkerEvents): void {
    events.on("pool:create", ({ workerPool }) => {
      this.pools.set(workerPool.id, { released: false, active: 0 });
    });
    events.on("pool:release", ({ workerPool }) => {
      const p = this.pools.get(workerPool.id);
      if (p) p.released = true;
    });
    events.on("job:start", ({ worker }) => {
      const p = this.pools.get(worker.workerPool.id);
      if (p) p.active++;
    });
    events.on("job:complete", ({ worker }) => {
      const p = this.pools.get(worker.workerPool.id);
      if (p) p.active = Math.max(0, p.active - 1);
    });
  }

  /** The ids to keep alive now; forgets pools that stopped and have nothing left running. */
  ids(): string[] {
    for (const [id, p] of this.pools) if (p.released && p.active === 0) this.pools.delete(id);
    return [...this.pools.keys()];
  }
}
