// The data directory at start: one server per DATA_DIR (a second one refuses, a kill -9 leaves no
// stale lock), and a database file that is truncated or not a database stops the server with one
// sentence on stderr and a non-zero exit, not a stack trace.
import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_ENTRY } from '../../scripts/builds.js';
import { ROOT, createWorkshop, freePort, startTestServer, tempDataDir } from '../helpers/server.js';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { putRecord, recordValue } from '../helpers/records.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Starts the server on `dataDir` expecting it to refuse: its exit code and what it printed. */
async function failedStart(dataDir: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const proc = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.push(() => proc.exitCode === null && proc.kill('SIGKILL'));
  let stderr = '';
  let stdout = '';
  proc.stderr.on('data', (d) => (stderr += String(d)));
  proc.stdout.on('data', (d) => (stdout += String(d)));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  return { code, stderr, stdout };
}

/** One line, no stack frames. */
const oneSentence = (text: string) => {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  return lines[0]!;
};

it('refuses a second server on the same DATA_DIR and says why; the first one goes on', async () => {
  const first = await startTestServer();
  cleanup.push(() => first.stop());
  const workshop = await createWorkshop(first);

  const second = await failedStart(first.dataDir);
  expect(second.code).not.toBe(0);
  const line = oneSentence(second.stderr);
  expect(line).toContain(first.dataDir);
  expect(line).toMatch(/in use by another Scaleboard server/);
  expect(second.stdout).not.toMatch(/listening/);

  expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  const res = await fetch(`${first.url}/api/workshops/${workshop.id}/decision-log.json`, { headers: { authorization: `Bearer ${workshop.tokens.observer}` } });
  expect(res.status).toBe(200);
});

it('lets a new server start on the DATA_DIR of one killed with kill -9, with its data', async () => {
  const first = await startTestServer();
  cleanup.push(() => first.stop());
  const workshop = await createWorkshop(first);
  const writer = connectClient(first.wsUrl, workshop.id, workshop.tokens.participant);
  cleanup.push(() => writer.destroy());
  await waitSynced(writer);
  putRecord(writer.doc, 'kept', 'after kill -9');
  const watcher = connectClient(first.wsUrl, workshop.id, workshop.tokens.observer);
  cleanup.push(() => watcher.destroy());
  await waitSynced(watcher);
  await expect.poll(() => recordValue(watcher.doc, 'kept')).toBe('after kill -9');
  await first.kill9();

  // The kernel released the lock with the process: no stale lock file to remove by hand.
  const next = await first.restart();
  cleanup.push(() => next.stop());
  const reader = connectClient(next.wsUrl, workshop.id, workshop.tokens.observer);
  cleanup.push(() => reader.destroy());
  await waitSynced(reader);
  expect(recordValue(reader.doc, 'kept')).toBe('after kill -9');
  // And it holds the lock in turn.
  expect((await failedStart(first.dataDir)).stderr).toMatch(/in use by another Scaleboard server/);
});

it('stops at start with one sentence and a non-zero exit when the database file is truncated', async () => {
  const server = await startTestServer();
  for (let i = 0; i < 20; i++) await createWorkshop(server, { title: `Workshop ${i} ${'x'.repeat(150)}` });
  await server.stop();
  const file = path.join(server.dataDir, 'scaleboard.db');
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThan(8192);
  fs.truncateSync(file, Math.floor(size / 2));

  const { code, stderr, stdout } = await failedStart(server.dataDir);
  expect(code).not.toBe(0);
  const line = oneSentence(stderr);
  expect(line).toContain(file); // what file
  expect(line).toMatch(/malformed/); // what is wrong
  expect(line).toMatch(/restore it from a backup/); // what to do
  expect(stdout).not.toMatch(/listening/);
});

it('stops at start with one sentence when the database file is not a database', async () => {
  const dataDir = tempDataDir();
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const file = path.join(dataDir, 'scaleboard.db');
  fs.writeFileSync(file, 'these are not the pages of a database\n'.repeat(200));

  const { code, stderr } = await failedStart(dataDir);
  expect(code).not.toBe(0);
  const line = oneSentence(stderr);
  expect(line).toContain(file);
  expect(line).toMatch(/not a database/);
  expect(line).toMatch(/restore it from a backup/);
});
