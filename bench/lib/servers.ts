// Starts the two servers under test as child processes on free loopback ports: ours
// (the compiled server that `npm start` runs, on a temporary SQLite DATA_DIR; the entry points
// call ensureServerBuild() once, so no build lands inside a timed start) and the stock y-websocket server from
// @y/websocket-server 0.1.1, as `npx y-websocket` would run it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, SERVER_ENTRY } from '../../scripts/builds.js';

export { ROOT };
const STOCK_SERVER = path.join(ROOT, 'node_modules/@y/websocket-server/src/server.js');

export type ServerKind = 'ours' | 'stock';

export interface BenchServer {
  kind: ServerKind;
  pid: number;
  httpUrl: string;
  /** Ours: its DATA_DIR (the SQLite file and its WAL); null for the stock server. */
  dataDir: string | null;
  /** Base URL a WebsocketProvider is given (the room name is appended). */
  wsBase: string;
  /** The last lines the server printed, for error reports. */
  tail(): string;
  /** Every line the server printed that matched `opts.watch`, over its whole life. */
  watched(): string[];
  stop(): Promise<void>;
}

import { freePort } from '../../test/helpers/server.js';

/** BENCH_DATA_ROOT (e.g. /dev/shm) moves the servers' data off the disk, to see what the disk costs. */
export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(process.env.BENCH_DATA_ROOT ?? os.tmpdir(), prefix));

export async function startServer(
  kind: ServerKind,
  opts: { dataDir?: string; port?: number; env?: Record<string, string>; watch?: RegExp; nodeArgs?: string[] } = {},
): Promise<BenchServer> {
  const port = opts.port ?? (await freePort());
  // A data directory made here is removed on stop; one passed in belongs to the caller.
  const ownDir = !opts.dataDir && kind === 'ours';
  const dataDir = opts.dataDir ?? (kind === 'ours' ? tempDir(`scaleboard-bench-${kind}-`) : '');
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the servers under load.
  const nodeArgs = [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(opts.nodeArgs ?? [])];
  const args = [...nodeArgs, ...(kind === 'ours' ? ['--enable-source-maps', SERVER_ENTRY] : [STOCK_SERVER])];
  const env: Record<string, string> =
    kind === 'ours'
      ? // The bench creates hundreds of workshops from one address: no HTTP write budget in its way.
        { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', HTTP_CREATE_LIMIT: '1000000', HTTP_WRITE_LIMIT: '1000000', ...opts.env }
      : { PORT: String(port), HOST: '127.0.0.1', ...opts.env };
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const watched: string[] = [];
  const keep = (d: Buffer) => {
    lines.push(String(d));
    if (opts.watch && opts.watch.test(String(d))) watched.push(String(d));
    if (lines.length > 50) lines.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const httpUrl = `http://127.0.0.1:${port}`;
  const readyPath = kind === 'ours' ? '/healthz' : '/';
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} server exited early:\n${lines.join('')}`);
    try {
      if ((await fetch(httpUrl + readyPath)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${kind} server did not start in 30 s:\n${lines.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    kind,
    pid: proc.pid!,
    httpUrl,
    dataDir: kind === 'ours' ? dataDir : null,
    wsBase: kind === 'ours' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}`,
    tail: () => lines.join(''),
    watched: () => [...watched],
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Watches ours' SQLite WAL file (`scaleboard.db-wal` in its DATA_DIR, bounded by WAL_MAX_BYTES)
 * every 20 ms: its largest size so far, in bytes. Nothing to watch for the stock server.
 */
export function watchWal(server: Pick<BenchServer, 'dataDir'>): { peakBytes(): number; stop(): void } {
  let peak = 0;
  const file = server.dataDir ? path.join(server.dataDir, 'scaleboard.db-wal') : null;
  const sample = () => {
    try {
      if (file) peak = Math.max(peak, fs.statSync(file).size);
    } catch {
      // no WAL yet
    }
  };
  const timer = file ? setInterval(sample, 20) : null;
  return {
    peakBytes: () => {
      sample();
      return peak;
    },
    stop: () => timer && clearInterval(timer),
  };
}
