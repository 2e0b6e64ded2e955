// `npm run export` reads the storage a real server wrote (after the server stopped) and prints
// the same log as the API; unknown workshops, bad arguments and damaged storage fail clearly, in
// one line with a non-zero exit. It runs the compiled CLI (dist-server, kept current by
// test/global-setup.ts) as `npm run export` does, and runs as that script in a lean install too.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import Database from 'better-sqlite3';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, ROOT, startTestServer, tempDataDir, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { controlMaps } from '../../shared/schema.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import type { DecisionLog } from '../../shared/log/types.js';
import { seedBoardContent } from '../unit/decision-log.fixture.js';

const CLI = path.join(ROOT, 'dist-server', 'server', 'cli', 'export.js');

let server: TestServer;
let ws: CreatedWorkshop;
const dataDir = tempDataDir();
const scratch: string[] = [];

type Run = { code: number; stdout: string; stderr: string };
function run(file: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
const runExport = (args: string[], env: Record<string, string> = { DATA_DIR: dataDir }): Promise<Run> =>
  run(process.execPath, [CLI, ...args], { cwd: ROOT, env });

/** A copy of the stored data to damage, leaving the shared one whole. */
function copyOfData(): string {
  const copy = tempDataDir();
  scratch.push(copy);
  fs.cpSync(dataDir, copy, { recursive: true });
  return copy;
}

/** Exactly one line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr.endsWith('\n')).toBe(true);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

beforeAll(async () => {
  server = await startTestServer({ dataDir });
  ws = await createWorkshop(server, { title: 'CLI export', template: 'regulated' });
  const grace = await createPerson(server, ws.id, ws.tokens.facilitator); // the roster names only people
  const clients: TestClient[] = [
    connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { person: grace.personToken }),
    connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control', person: grace.personToken }),
  ];
  await Promise.all(clients.map((c) => waitSynced(c)));
  const [board, control] = clients as [TestClient, TestClient];
  board.provider.awareness.setLocalStateField('user', { id: 'u-grace', name: 'Grace', color: '#1a5fb4' });
  seedBoardContent(board.doc);
  control.doc.transact(() => controlMaps(control.doc).ranking.set('order', ['i2', 'i1']));
  // The server has stored everything once its export shows it.
  await waitFor(async () => {
    const res = await fetch(`${server.url}/api/workshops/${ws.id}/decision-log.json`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
    const log = (await res.json()) as DecisionLog;
    return log.decisions[0]?.initiative === 'Observability: tracing & SLOs' && log.workshop.participants.length === 1;
  }, 10_000, 'the session to be stored');
  clients.forEach((c) => c.destroy());
  await server.stop();
});

afterAll(async () => {
  await server?.stop();
  for (const dir of [dataDir, ...scratch]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run export', () => {
  it('prints the JSON log of a stored workshop, valid against the v1 schema', async () => {
    const { code, stdout, stderr } = await runExport([ws.id, '--format', 'json']);
    expect(stderr).not.toContain('export:');
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as DecisionLog;
    expect(new Ajv({ strict: true }).compile(schema)(log)).toBe(true);
    expect(log.workshop).toMatchObject({ id: ws.id, title: 'CLI export', template: 'regulated', participants: [{ name: 'Grace', role: 'facilitator' }] });
    expect(log.decisions.map((d) => d.rank + ' ' + d.initiative)).toEqual([
      '1 Observability: tracing & SLOs',
      '2 Checkout performance program',
      '3 =HYPERLINK("http://evil.example") platform team',
    ]);
    expect(log.bottlenecks).toHaveLength(9);
  });

  it('prints Markdown and CSV (with --format=csv too)', async () => {
    const md = await runExport([ws.id, '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('# Decision log: CLI export\n')).toBe(true);
    expect(md.stdout).toContain('## Parking lot');
    const csv = await runExport([ws.id, '--format=csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFFRank,Initiative,')).toBe(true);
    expect(csv.stdout).toContain(`'=1+1`);
  });

  it('fails clearly for an unknown workshop, bad arguments and a missing storage', async () => {
    const [unknown, dashId, badFormat, noId, badFlag, noStorage] = await Promise.all([
      runExport(['noSuchWorkshop42', '--format', 'md']),
      // Ids are base64url: one may start with "-" and is still an id, not an option.
      runExport(['-lNoSuchWorkshop9', '--format=json']),
      runExport([ws.id, '--format', 'pdf']),
      runExport(['--format', 'json']),
      runExport([ws.id, '--colour']),
      runExport([ws.id], { DATA_DIR: tempDataDir() + '/empty' }),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('export: unknown workshop "noSuchWorkshop42"');
    expect(dashId.code).toBe(1);
    expect(dashId.stderr).toContain('export: unknown workshop "-lNoSuchWorkshop9"');

    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('unknown format "pdf": use md, csv or json');
    expect(badFormat.stderr).toContain('usage: npm run export');

    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('missing <workshopId>');

    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('unknown option --colour');

    expect(noStorage.code).toBe(1);
    expect(noStorage.stderr).toContain('no Scaleboard storage in');
  });

  it('says in one line which workshop is damaged and what to do, with exit 1 and nothing on stdout, and exports the others', async () => {
    const damaged = copyOfData();
    const other = copyOfData();
    // Random bytes where the workshop's next board update belongs (as storage-faults.test.ts does).
    const db = new Database(path.join(damaged, 'scaleboard.db'));
    const key = `${ws.id}:board`;
    const { seq } = db
      .prepare('SELECT MAX(s) AS seq FROM (SELECT upto_seq AS s FROM doc_snapshots WHERE doc = ? UNION ALL SELECT seq FROM doc_updates WHERE doc = ?)')
      .get(key, key) as { seq: number };
    db.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)').run(key, seq + 1, crypto.randomBytes(256));
    db.close();

    const { code, stdout, stderr } = await runExport([ws.id, '--format', 'json'], { DATA_DIR: damaged });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const line = oneLine(stderr);
    expect(line).toMatch(new RegExp(`^export: workshop ${ws.id} could not be loaded: document board is damaged \\(`)); // what failed
    expect(line).toContain(`Restore ${path.join(damaged, 'scaleboard.db')} from a backup`); // what to do
    expect(line).toContain('every other workshop exports as usual');
    // The same workshop, undamaged, still exports from its own copy.
    expect((await runExport([ws.id, '--format', 'json'], { DATA_DIR: other })).code).toBe(0);
  });

  it('says in one line that the database file cannot be used, with exit 1', async () => {
    const damaged = copyOfData();
    const file = path.join(damaged, 'scaleboard.db');
    for (const f of fs.readdirSync(damaged)) if (f.startsWith('scaleboard.db')) fs.rmSync(path.join(damaged, f));
    fs.writeFileSync(file, 'these are not the pages of a database\n'.repeat(200));
    const { code, stdout, stderr } = await runExport([ws.id], { DATA_DIR: damaged });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const line = oneLine(stderr);
    expect(line).toContain(file);
    expect(line).toMatch(/not a database/);
    expect(line).toMatch(/restore it from a backup/);
  });

  it('runs as `npm run export` in a lean install: the compiled CLI with the runtime dependencies only (no tsx, no TypeScript)', async () => {
    // What `npm ci --omit=dev` leaves, beside what README ships (package.json, dist-server/): every
    // package the lock does not mark dev-only, and none it does. A dev tool the CLI or the script
    // reached for would not be found here.
    const lean = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleboard-lean-'));
    scratch.push(lean);
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(lean, 'package.json'));
    fs.cpSync(path.join(ROOT, 'dist-server'), path.join(lean, 'dist-server'), { recursive: true });
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    let linked = 0;
    for (const [where, entry] of Object.entries(lock.packages)) {
      // Top-level packages only: a nested node_modules comes with the package that holds it.
      if (!where.startsWith('node_modules/') || where.indexOf('/node_modules/') !== -1 || entry.dev) continue;
      const target = path.join(lean, where);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(ROOT, where), target, 'dir');
      linked++;
    }
    expect(linked).toBeGreaterThan(10);
    for (const tool of ['tsx', 'typescript', 'vite', 'vitest']) expect(fs.existsSync(path.join(lean, 'node_modules', tool)), tool).toBe(false);

    // Nor on the PATH: this run of the tests has the checkout's node_modules/.bin (tsx included) there.
    const PATH = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => !dir.includes('node_modules')).join(path.delimiter);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { code, stdout, stderr } = await run(npm, ['run', '--silent', 'export', '--', ws.id, '--format', 'json'], { cwd: lean, env: { DATA_DIR: dataDir, PATH } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as DecisionLog;
    expect(log.workshop).toMatchObject({ id: ws.id, title: 'CLI export' });
    expect(log.decisions).toHaveLength(3);
  });
});
