// A throwaway cluster for tests (SPEC 9): a PostgreSQL initialised into a temp folder and a Redis
// that keeps nothing on disk, both on free loopback ports and run as child processes (never a
// system service), and N node processes of the built server against them. Everything is torn down
// by stop(). PostgreSQL runs as the `postgres` user when the tests run as root (initdb refuses root).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as Y from 'yjs';
import { freePort, startTestServer, waitFor, type TestServer } from './server.js';

/** Debian's PostgreSQL binaries (the newest installed version), unless PG_BIN says where. */
const PG_BIN =
  process.env.PG_BIN ??
  (() => {
    const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
    return versions.length ? `/usr/lib/postgresql/${versions[0]}/bin` : '/usr/lib/postgresql/15/bin';
  })();

/** The uid and gid to run PostgreSQL as: ours, unless we are root (then `postgres`). */
function pgUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export interface Postgres {
  url: string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleboard-pg-'));
  const data = path.join(dir, 'data');
  const user = pgUser();
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(path.join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-instructions'], {
    ...as,
    stdio: 'ignore',
  });
  const port = await freePort();
  const logs: string[] = [];
  // fsync off: a test kills nodes, never PostgreSQL, and the machine's disk is shared.
  const proc = spawn(path.join(PG_BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
    ...as,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => logs.push(String(d)));
  proc.stderr!.on('data', (d) => logs.push(String(d)));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`postgres exited early:\n${logs.join('')}`);
      await pool.query('SELECT 1');
      return true;
    },
    30_000,
    'PostgreSQL to start',
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url,
    query: async (text, values) => (await pool.query(text, values)).rows,
    async stop() {
      await pool.end().catch(() => undefined);
      if (proc.exitCode === null) proc.kill('SIGINT'); // fast shutdown
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops Redis (it keeps nothing: its leases are gone). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const logs: string[] = [];
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d) => logs.push(String(d)));
    proc = p;
    exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    await waitFor(() => {
      if (p.exitCode !== null) throw new Error(`redis exited early:\n${logs.join('')}`);
      return logs.join('').includes('Ready to accept connections');
    }, 10_000, 'Redis to start');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      if (proc && proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface TestCluster {
  pg: Postgres;
  redis: RedisServer;
  nodes: TestServer[];
  leaseTtlMs: number;
  /** Which node owns the workshop now (the lease holder's NODE_ID is `n<index>`), from the owner row. */
  ownerIndex(workshopId: string): Promise<number | null>;
  /** A document as PostgreSQL holds it now (snapshot and log read in one statement, so a compaction cannot split them). */
  storedDoc(workshopId: string, docName?: string): Promise<Y.Doc>;
  stop(): Promise<void>;
}

/** PostgreSQL, Redis and `count` nodes (NODE_ID n0, n1, …) with a short lease, so takeovers happen within a test. */
export async function startCluster(opts: { nodes?: number; leaseTtlMs?: number; env?: Record<string, string> } = {}): Promise<TestCluster> {
  const leaseTtlMs = opts.leaseTtlMs ?? 1_500;
  const [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
  const nodes: TestServer[] = [];
  try {
    for (let i = 0; i < (opts.nodes ?? 3); i++) {
      nodes.push(
        await startTestServer({
          env: { DATABASE_URL: pgServer.url, REDIS_URL: redis.url, NODE_ID: `n${i}`, LEASE_TTL_MS: String(leaseTtlMs), LOG_LEVEL: 'warn', ...opts.env },
        }),
      );
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill9()));
    await Promise.all([pgServer.stop(), redis.stop()]);
    throw err;
  }
  return {
    pg: pgServer,
    redis,
    nodes,
    leaseTtlMs,
    async ownerIndex(workshopId) {
      const [row] = await pgServer.query<{ node: string | null }>('SELECT node FROM owners WHERE workshop_id = $1', [workshopId]);
      return row?.node ? Number(row.node.slice(1)) : null;
    },
    async storedDoc(workshopId, docName = 'board') {
      const rows = await pgServer.query<{ data: Buffer }>(
        `SELECT data FROM (SELECT 0 AS part, 0::bigint AS seq, data FROM doc_snapshots WHERE doc = $1
                           UNION ALL SELECT 1, seq, data FROM doc_updates WHERE doc = $1) t ORDER BY part, seq`,
        [`${workshopId}:${docName}`],
      );
      const doc = new Y.Doc();
      for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.data));
      return doc;
    },
    async stop() {
      for (const n of nodes) if (n.proc.signalCode === null && n.proc.exitCode === null) n.proc.kill('SIGCONT');
      await Promise.all(nodes.map((n) => n.kill9()));
      await Promise.all([pgServer.stop(), redis.stop()]);
    },
  };
}
