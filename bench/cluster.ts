// One node against three (SPEC 9, issue 16): edit-to-screen propagation with many rooms and their
// clients spread over the nodes. Starts a throwaway PostgreSQL and Redis (test/helpers/cluster.ts)
// for the cluster and a plain SQLite node for the baseline, then in each setup ROOMS workshops with
// CLIENTS clients each (client i on node i mod N): one client per room writes a record every
// INTERVAL_MS carrying its send time, and every other client notes how long it took to arrive.
//   npx tsx bench/cluster.ts            (ROOMS, CLIENTS, SECONDS, INTERVAL_MS from the environment)
import { ensureServerBuild } from '../scripts/builds.js';
import { connectClient, waitSynced, type TestClient } from '../test/helpers/clients.js';
import { createWorkshop, startTestServer, type TestServer } from '../test/helpers/server.js';
import { startPostgres, startRedis } from '../test/helpers/cluster.js';
import { putRecord, recordValue } from '../test/helpers/records.js';

const ROOMS = Number(process.env.ROOMS ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 6);
const SECONDS = Number(process.env.SECONDS ?? 10);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 100);
const NO_LIMITS = { HTTP_CREATE_LIMIT: '1000000', HTTP_WRITE_LIMIT: '1000000', LOG_LEVEL: 'warn' };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(label: string, nodes: TestServer[]): Promise<string> {
  const clients: TestClient[] = [];
  const latencies: number[] = [];
  const writers: TestClient[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const ws = await createWorkshop(nodes[r % nodes.length]!, { title: `bench ${r}` });
    for (let i = 0; i < CLIENTS; i++) {
      const c = connectClient(nodes[(r + i) % nodes.length]!.wsUrl, ws.id, ws.tokens.facilitator);
      clients.push(c);
      if (i === 0) writers.push(c);
      else
        c.doc.getMap('impacts').observe((e) => {
          if (e.transaction.local) return;
          for (const key of e.keysChanged) {
            const sent = recordValue(c.doc, key, 'impacts');
            if (typeof sent === 'number') latencies.push(Date.now() - sent);
          }
        });
    }
  }
  await Promise.all(clients.map((c) => waitSynced(c, 30_000)));
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  while (Date.now() < until) {
    for (const w of writers) putRecord(w.doc, `k${n}`, Date.now(), 'impacts');
    n++;
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  clients.forEach((c) => c.destroy());
  const sorted = latencies.sort((a, b) => a - b);
  const expected = n * ROOMS * (CLIENTS - 1);
  return `| ${label} | ${ROOMS} × ${CLIENTS} | ${sorted.length}/${expected} | ${percentile(sorted, 50)} | ${percentile(sorted, 95)} | ${percentile(sorted, 99)} | ${sorted.at(-1)} |`;
}

ensureServerBuild();
const rows: string[] = [];
{
  const one = await startTestServer({ env: NO_LIMITS });
  rows.push(await measure('1 node, SQLite', [one]));
  await one.stop();
}
const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
try {
  const env = { ...NO_LIMITS, DATABASE_URL: pg.url, REDIS_URL: redis.url };
  const single = await startTestServer({ env: { ...env, NODE_ID: 'solo' } });
  rows.push(await measure('1 node, PostgreSQL + Redis', [single]));
  await single.stop();
  const three: TestServer[] = [];
  for (let i = 0; i < 3; i++) three.push(await startTestServer({ env: { ...env, NODE_ID: `n${i}` } }));
  rows.push(await measure('3 nodes, PostgreSQL + Redis', three));
  await Promise.all(three.map((n) => n.stop()));
} finally {
  await Promise.all([pg.stop(), redis.stop()]);
}
console.log(`\nOne writer per room every ${INTERVAL_MS} ms for ${SECONDS} s; latency from write to each other client, in ms.\n`);
console.log('| setup | rooms × clients | delivered | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);
