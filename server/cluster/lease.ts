// A workshop's lease, held by its owner and renewed every third of its time to live. A renewal
// that finds the lease gone or someone else's, or cannot reach the bus, means this node may no
// longer be the owner: it says so once (onLost), and the node lets the workshop go. The lease alone
// does not fence writes (a node paused past its lease writes when it resumes, before its timer
// runs): the epoch in PostgreSQL does (pgStore.ts commit).
import type { Bus } from './bus.js';
import type { ClusterMetrics } from './metrics.js';

export const leaseKey = (workshopId: string): string => `scaleboard:lease:${workshopId}`;

export class Lease {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: Bus,
    readonly workshopId: string,
    private readonly node: string,
    private readonly ttlMs: number,
    private readonly metrics: ClusterMetrics,
    private readonly onLost: (why: 'lost' | 'unreachable') => void,
  ) {}

  /** Renews the lease (already acquired) until stop(). */
  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    let held: boolean;
    try {
      held = await this.bus.renew(leaseKey(this.workshopId), this.node, this.ttlMs);
    } catch {
      this.metrics.leaseRenewals.inc({ result: 'error' });
      return this.lost('unreachable');
    }
    this.metrics.leaseRenewals.inc({ result: held ? 'ok' : 'lost' });
    if (!held) this.lost('lost');
  }

  private lost(why: 'lost' | 'unreachable'): void {
    if (!this.timer) return;
    this.stop();
    this.onLost(why);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Lets the lease go (the workshop was unloaded): the next node to need it takes it at once. */
  async release(): Promise<void> {
    this.stop();
    await this.bus.release(leaseKey(this.workshopId), this.node).catch(() => undefined);
  }
}
