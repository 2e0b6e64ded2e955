// A node's cluster metrics, on the same registry (and /metrics) as the rest (server/metrics.ts).
import client from 'prom-client';
import type { Metrics } from '../metrics.js';

export function createClusterMetrics(metrics: Metrics, owned: () => number) {
  const registers = [metrics.registry];
  return {
    ownedWorkshops: new client.Gauge({
      name: 'scaleboard_cluster_owned_workshops',
      help: 'Workshops this node owns (holds the lease and the documents of)',
      registers,
      collect() {
        this.set(owned());
      },
    }),
    forwarded: new client.Counter({
      name: 'scaleboard_cluster_forwarded_messages_total',
      help: "Messages between this node's clients and another node that owns their workshop, by direction",
      labelNames: ['direction'],
      registers,
    }),
    leaseRenewals: new client.Counter({ name: 'scaleboard_cluster_lease_renewals_total', help: 'Lease renewals, by result (ok, lost, error)', labelNames: ['result'], registers }),
    acquisitions: new client.Counter({ name: 'scaleboard_cluster_lease_acquisitions_total', help: 'Workshops this node began to own (a new epoch each)', registers }),
    takeovers: new client.Counter({
      name: 'scaleboard_cluster_takeovers_total',
      help: 'Workshops this node took over from a node that had not let them go (died, paused or cut off)',
      registers,
    }),
    fenced: new client.Counter({ name: 'scaleboard_cluster_fenced_commits_total', help: 'Commits refused because another node owns the workshop now (epoch moved)', registers }),
    gapFills: new client.Counter({ name: 'scaleboard_cluster_gap_fills_total', help: 'Relayed messages found missing (sequence gap), filled from PostgreSQL', registers }),
  };
}

export type ClusterMetrics = ReturnType<typeof createClusterMetrics>;
