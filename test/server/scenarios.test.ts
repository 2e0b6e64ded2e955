// Growth scenarios on the real server (SPEC 7): a new workshop starts from its template's models,
// participants edit them like the rest of the board, observers cannot, a locked board is read-only
// for participants, and the scenarios root takes records only. Enforced by the server.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitSynced } from '../helpers/clients.js';
import { useServerAndClients } from '../helpers/suites.js';
import { createWorkshop, metricValue, waitFor } from '../helpers/server.js';
import { readScenarios, setScenarioField, TEMPLATE_SCENARIOS } from '../../shared/scenarios.js';
import { setLocked } from '../../shared/commands/control.js';

const env = useServerAndClients();
const client = env.client;

const traffic = (d: Y.Doc) => readScenarios(d).find((m) => m.kind === 'traffic')!;
const rejected = (reason: string) => metricValue(env.server, 'scaleboard_ws_rejected_total', { reason });

it("starts a workshop's board with its template's growth models", async () => {
  const ws = await createWorkshop(env.server, { title: 'Enterprise', template: 'enterprise' });
  const o = client(env.server.wsUrl, ws.id, ws.tokens.observer);
  await waitSynced(o);
  await waitFor(() => traffic(o.doc).current !== null, 5000, 'scenarios');
  expect(traffic(o.doc)).toEqual({ kind: 'traffic', ...TEMPLATE_SCENARIOS.enterprise.traffic });
});

it('lets participants edit the models, not observers, and not participants while the board is locked', async () => {
  const ws = await createWorkshop(env.server, { title: 'Scaleup', template: 'scaleup' });
  const p = client(env.server.wsUrl, ws.id, ws.tokens.participant);
  const o = client(env.server.wsUrl, ws.id, ws.tokens.observer);
  const control = client(env.server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  await Promise.all([p, o, control].map((c) => waitSynced(c)));

  setScenarioField(p.doc, { kind: 'traffic', field: 'realistic', value: 11 });
  await waitFor(() => traffic(o.doc).growth.realistic === 11, 5000, 'participant edit relayed');

  const dropped = await rejected('write_forbidden_observer');
  setScenarioField(o.doc, { kind: 'traffic', field: 'current', value: 1 });
  await waitFor(async () => (await rejected('write_forbidden_observer')) > dropped, 5000, 'observer write dropped');
  const fresh = client(env.server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(fresh);
  expect(traffic(fresh.doc).current).toBe(10_000);

  setLocked(control.doc, true);
  await new Promise((r) => setTimeout(r, 300)); // the lock reaches the server first
  const reverted = await rejected('write_reverted_participant');
  setScenarioField(p.doc, { kind: 'traffic', field: 'realistic', value: 99 });
  await waitFor(async () => (await rejected('write_reverted_participant')) > reverted, 5000, 'locked write reverted');
  await waitFor(() => traffic(p.doc).growth.realistic === 11, 5000, "the writer's copy reverted too");
  expect(traffic(fresh.doc).growth.realistic).toBe(11);
});

it('refuses a scenario that is not a record', async () => {
  const ws = await createWorkshop(env.server);
  const p = client(env.server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(p);
  const before = await rejected('not_a_record');
  p.doc.getMap('scenarios').set('traffic', 'ten percent');
  await waitFor(async () => (await rejected('not_a_record')) > before, 5000, 'refused');
  await waitFor(() => p.doc.getMap('scenarios').get('traffic') instanceof Y.Map, 5000, 'reverted to the record');
});
