// Prometheus metrics (prom-client), one registry per server instance so tests can run several.
import client from 'prom-client';

/** Values read at each scrape. */
export interface MetricSources {
  walBytes?: () => number;
}

export function createMetrics(sources: MetricSources = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    connections: new client.Gauge({ name: 'scaleboard_ws_connections', help: 'Open WebSocket connections', registers: [registry] }),
    rooms: new client.Gauge({ name: 'scaleboard_rooms', help: 'Workshops loaded in memory', registers: [registry] }),
    messagesIn: new client.Counter({ name: 'scaleboard_ws_messages_received_total', help: 'WebSocket messages received', labelNames: ['type'], registers: [registry] }),
    messagesOut: new client.Counter({ name: 'scaleboard_ws_messages_sent_total', help: 'WebSocket messages sent', registers: [registry] }),
    bytesIn: new client.Counter({ name: 'scaleboard_ws_bytes_received_total', help: 'WebSocket bytes received', registers: [registry] }),
    bytesOut: new client.Counter({ name: 'scaleboard_ws_bytes_sent_total', help: 'WebSocket bytes sent', registers: [registry] }),
    rejected: new client.Counter({ name: 'scaleboard_ws_rejected_total', help: 'Messages or connections rejected, by reason', labelNames: ['reason'], registers: [registry] }),
    persistLatency: new client.Histogram({
      name: 'scaleboard_persistence_write_seconds',
      help: 'Latency of one storage commit (all updates accepted in one event-loop turn, stored before relay)',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    checkpoints: new client.Counter({ name: 'scaleboard_wal_checkpoints_total', help: 'WAL checkpoints that moved pages into the database file (run off the event loop)', registers: [registry] }),
    walBytes: new client.Gauge({
      name: 'scaleboard_wal_bytes',
      help: 'Size of the SQLite WAL file (kept under WAL_MAX_BYTES)',
      registers: [registry],
      collect() {
        if (sources.walBytes) this.set(sources.walBytes());
      },
    }),
    compactions: new client.Counter({ name: 'scaleboard_compactions_total', help: 'Update logs compacted into snapshots', registers: [registry] }),
    httpRequests: new client.Counter({ name: 'scaleboard_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
