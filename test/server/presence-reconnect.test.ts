// Presence after a reconnect, with stock y-websocket clients against the real server. Each client
// gets the session's freshPresenceAfterClose (client/sync/session.ts). Without it a peer stays
// hidden until its 15 s renewal: y-protocols ignores a re-announcement at a clock it has seen,
// on the other clients (after a server restart) and on the server (after one client's reconnect).
import { afterEach, expect, it } from 'vitest';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { createPerson, createWorkshop, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { freshPresenceAfterClose } from '../../client/sync/session.js';

/** Well under the 15 s renewal, well over a reconnect (the test clients back off 500 ms at most). */
const WITHIN_MS = 5_000;

let server: TestServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await server?.stop();
});

async function room() {
  server = await startTestServer();
  const ws = await createWorkshop(server);
  const join = async (name: string) => {
    const person = await createPerson(server!, ws.id, ws.tokens.participant);
    const c = connectClient(server!.wsUrl, ws.id, ws.tokens.participant, { person: person.personToken });
    freshPresenceAfterClose(c.provider);
    clients.push(c);
    await waitSynced(c);
    c.provider.awareness.setLocalStateField('user', { id: person.personId, name, color: '#336699' });
    return c;
  };
  const ada = await join('Ada');
  const bob = await join('Bob');
  await waitFor(() => sees(ada, 'Bob') && sees(bob, 'Ada'), WITHIN_MS, 'both present');
  return { ada, bob };
}

const sees = (c: TestClient, name: string) => [...c.provider.awareness.getStates().values()].some((s) => s.user?.name === name);

it('shows a client again right after it alone reconnects', async () => {
  const { ada, bob } = await room();
  bob.provider.disconnect();
  await waitFor(() => !sees(ada, 'Bob'), WITHIN_MS, 'Bob gone');
  bob.provider.connect();
  await waitSynced(bob);
  await waitFor(() => sees(ada, 'Bob') && sees(bob, 'Ada'), WITHIN_MS, 'both present again');
  expect(ada.provider.awareness.getStates().size).toBe(2);
});

it('shows everyone to everyone right after the server restarts', async () => {
  const { ada, bob } = await room();
  await server!.stop();
  await waitFor(() => !sees(ada, 'Bob') && !sees(bob, 'Ada'), WITHIN_MS, 'others gone');
  server = await server!.restart();
  await Promise.all([waitSynced(ada), waitSynced(bob)]);
  await waitFor(() => sees(ada, 'Bob') && sees(bob, 'Ada'), WITHIN_MS, 'both present again');
});
