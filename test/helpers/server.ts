// Starts the real server as a child process on a free port, with its own DATA_DIR.
// A child process (not in-process) so tests can SIGKILL it like a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, SERVER_ENTRY } from '../../scripts/builds.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export { ROOT };

export interface TestServer {
  port: number;
  url: string;
  wsUrl: string;
  dataDir: string;
  proc: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** A new server on the same DATA_DIR, port and settings (after stop() or kill9()). */
  restart(): Promise<TestServer>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const tempDataDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'scaleboard-test-'));

export async function startTestServer(opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const port = opts.port ?? (await freePort());
  const logs: string[] = [];
  // The compiled server, as `npm start` runs it (test/global-setup.ts keeps dist-server current).
  const proc = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => logs.push(String(d)));
  proc.stderr!.on('data', (d) => logs.push(String(d)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${logs.join('')}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  }, 20_000);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    proc,
    logs,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
    restart: () => startTestServer({ ...opts, dataDir, port }),
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (err instanceof Error && err.message.startsWith('server exited early')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CreatedWorkshop {
  id: string;
  links: { facilitator: string; participant: string; observer: string };
  tokens: { facilitator: string; participant: string; observer: string };
}

export async function createWorkshop(server: Pick<TestServer, 'url'>, body: Record<string, unknown> = { title: 'Test workshop' }): Promise<CreatedWorkshop> {
  const res = await fetch(`${server.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const json = (await res.json()) as Omit<CreatedWorkshop, 'tokens'>;
  const token = (link: string) => new URL(link).hash.replace(/^#token=/, '');
  return {
    ...json,
    tokens: {
      facilitator: token(json.links.facilitator),
      participant: token(json.links.participant),
      observer: token(json.links.observer),
    },
  };
}

export interface CreatedPerson {
  personId: string;
  personToken: string;
  color: string;
  role: string;
}

/** A person of a workshop for a role token (POST /api/workshops/:id/people), as the app gets one. */
export async function createPerson(
  server: Pick<TestServer, 'url'>,
  workshopId: string,
  roleToken: string,
  body: Record<string, unknown> = {},
): Promise<CreatedPerson> {
  const res = await fetch(`${server.url}/api/workshops/${workshopId}/people`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${roleToken}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`person failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedPerson;
}

/** Reads one metric's value (summing all label sets matching `labels`) from /metrics. */
export async function metricValue(server: Pick<TestServer, 'url'>, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}
