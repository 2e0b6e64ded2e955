// The HTTP API on any node of the cluster (SPEC 4, 9): people, check-ins, the decision log and
// deletion through nodes that do not own the workshop; a node with REDIS_URL and no DATABASE_URL
// refuses to start, saying why.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitClosed, waitSynced } from '../helpers/clients.js';
import { createPerson, createWorkshop, freePort, waitFor } from '../helpers/server.js';
import { SERVER_ENTRY } from '../../scripts/builds.js';
import { useCluster } from '../helpers/suites.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { readBoard } from '../../shared/schema.js';
import { CloseCode } from '../../server/protocol.js';

const env = useCluster({ nodes: 3 });
const { client } = env;


describe('HTTP on any node', () => {
  it('takes a check-in on a node that does not own the workshop: stored by the owner, on every client, in the log of a third node', async () => {
    const [n0, n1, n2] = env.cluster.nodes;
    const ws = await createWorkshop(n1!, { title: 'Cluster check-ins' });
    const fac = client(n0!.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(fac);
    const viewer = client(n2!.wsUrl, ws.id, ws.tokens.observer);
    await waitSynced(viewer);
    expect(await env.cluster.ownerIndex(ws.id)).toBe(0);
    const metricId = addMetric(fac.doc, { initiativeId: 'i1', name: 'p99 latency', baseline: '2.1 s', target: '0.8 s', due: '2099-12-31' });
    await waitFor(() => readBoard(viewer.doc).metrics.length === 1, 5_000, 'the metric relayed');

    // A person made on node 2, checking in on node 1: neither owns the workshop.
    const person = await createPerson(n2!, ws.id, ws.tokens.participant);
    const res = await fetch(`${n1!.url}/api/workshops/${ws.id}/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.tokens.participant}`, 'x-person-token': person.personToken },
      body: JSON.stringify({ metricId, value: 1.9, at: '2030-01-15' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // Stored before the 201: PostgreSQL has it now.
    const stored = await env.cluster.storedDoc(ws.id);
    expect(readBoard(stored).checkIns).toEqual([expect.objectContaining({ id, value: 1.9, by: person.personId })]);
    await waitFor(() => [fac, viewer].every((c) => readBoard(c.doc).checkIns.length === 1), 5_000, 'the check-in on every client');

    // In the history, as that person's, in the same commit as the update (PostgreSQL's history table) ...
    const history = await env.cluster.pg.query<{ person_id: string; role: string }>('SELECT person_id, role FROM history WHERE workshop_id = $1', [ws.id]);
    expect(history).toContainEqual({ person_id: person.personId, role: 'participant' });
    // ... and in the decision log read on a third node.
    const log = await fetch(`${n2!.url}/api/workshops/${ws.id}/decision-log.json`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
    expect(log.status).toBe(200);
    const json = (await log.json()) as { workshop: { title: string }; history: { role: string }[] };
    expect(JSON.stringify(json)).toContain('Cluster check-ins');
    expect(json.history.some((e) => e.role === 'participant')).toBe(true);
  });

  it('deletes a workshop through a node that does not own it: every node closes its sockets with 4404', async () => {
    const [n0, n1, n2] = env.cluster.nodes;
    const ws = await createWorkshop(n0!);
    const onOwner = client(n0!.wsUrl, ws.id, ws.tokens.facilitator);
    await waitSynced(onOwner);
    const relayed = client(n2!.wsUrl, ws.id, ws.tokens.participant);
    await waitSynced(relayed);
    const res = await fetch(`${n1!.url}/api/workshops/${ws.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ws.tokens.facilitator}` } });
    expect(res.status).toBe(204);
    expect((await waitClosed(onOwner)).code).toBe(CloseCode.notFound);
    expect((await waitClosed(relayed)).code).toBe(CloseCode.notFound);
    expect(await env.cluster.pg.query('SELECT 1 FROM doc_updates WHERE doc LIKE $1', [`${ws.id}:%`])).toEqual([]);
    expect((await fetch(`${n2!.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.facilitator}` } })).status).toBe(404);
  });

  it('refuses to start with REDIS_URL but no DATABASE_URL, in one sentence', async () => {
    const proc = spawn(process.execPath, [SERVER_ENTRY], {
      env: { ...process.env, PORT: String(await freePort()), HOST: '127.0.0.1', REDIS_URL: env.cluster.redis.url, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^scaleboard: REDIS_URL is set but DATABASE_URL is not/);
  });
});
