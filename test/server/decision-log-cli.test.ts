// `npm run export` reads the storage a real server wrote (after the server stopped) and prints
// the same log as the API; unknown workshops and bad arguments fail clearly with a non-zero exit.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, ROOT, startTestServer, tempDataDir, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { controlMaps } from '../../shared/schema.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import type { DecisionLog } from '../../shared/log/types.js';
import { seedBoardContent } from '../unit/decision-log.fixture.js';

let server: TestServer;
let ws: CreatedWorkshop;
const dataDir = tempDataDir();

function runExport(args: string[], env: Record<string, string> = { DATA_DIR: dataDir }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'server/cli/export.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  server = await startTestServer({ dataDir });
  ws = await createWorkshop(server, { title: 'CLI export', template: 'regulated' });
  const clients: TestClient[] = [
    connectClient(server.wsUrl, ws.id, ws.tokens.facilitator),
    connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' }),
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
  fs.rmSync(dataDir, { recursive: true, force: true });
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
});
