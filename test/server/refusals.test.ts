// A person whose write the server undid is told why. The server sends the writer y-protocols'
// auth "permission denied" message with the refusal's reason (server/protocol.ts encodeRefusal);
// the app's own session (client/sync/session.ts, run here in Node against the real server) shows
// it as a notice, and a stock y-websocket client, which only logs that message, stays connected.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { waitSynced } from '../helpers/clients.js';
import { useServerAndClients } from '../helpers/suites.js';
import { createPerson, createWorkshop, waitFor } from '../helpers/server.js';
import { putRecord } from '../helpers/records.js';
import { WorkshopSession } from '../../client/sync/session.js';
import { refusalMessage } from '../../client/sync/refusals.js';
import { MAX_NOTE_TEXT } from '../../shared/limits.js';

// The app's session opens its sockets with the browser's WebSocket.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const env = useServerAndClients();

it("tells the app's session why a write was undone (text past its limit, a locked board), and it is undone", async () => {
  const ws = await createWorkshop(env.server);
  const ada = await createPerson(env.server, ws.id, ws.tokens.participant);
  const session = new WorkshopSession(ws.id, ws.tokens.participant, 'participant', ada.personToken, null, env.server.wsUrl);
  try {
    await waitFor(() => session.providers.every((p) => p.synced), 10_000, 'session synced');
    expect(session.getNotice()).toBeNull();

    const long = new Y.Map<unknown>();
    long.set('id', 'long');
    long.set('lane', 'product');
    long.set('text', 'x'.repeat(MAX_NOTE_TEXT + 1));
    session.board.getMap('notes').set('long', long);
    await waitFor(() => session.getNotice() === refusalMessage('text_too_long'), 5_000, 'the notice');
    await waitFor(() => !session.board.getMap('notes').has('long'), 5_000, 'the write undone');
    expect(refusalMessage('text_too_long')).toMatch(/longer than the board takes: your last change was not kept/);

    session.dismissNotice();
    const control = env.client(env.server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
    await waitSynced(control);
    control.doc.getMap('settings').set('locked', true);
    await waitFor(() => session.control.getMap('settings').get('locked') === true, 5_000, 'the lock reached the session');
    putRecord(session.board, 'while-locked', 'x');
    await waitFor(() => session.getNotice() === 'The board is locked: your last change was not kept.', 5_000, 'the lock notice');
    await waitFor(() => !session.board.getMap('notes').has('while-locked'), 5_000, 'undone');
  } finally {
    session.destroy();
  }
});

it('leaves a stock client connected after it is told (it only logs the message)', async () => {
  const ws = await createWorkshop(env.server);
  const stock = env.client(env.server.wsUrl, ws.id, ws.tokens.participant);
  await waitSynced(stock);
  const denied: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void denied.push(args.join(' '));
  try {
    stock.doc.getMap('madeUp').set('x', 1); // a root clients may not make
    await waitFor(() => denied.some((w) => w.includes('unknown_root')), 5_000, 'the stock client logged the reason');
    await waitFor(() => stock.doc.getMap('madeUp').size === 0, 5_000, 'undone');
  } finally {
    console.warn = warn;
  }
  putRecord(stock.doc, 'after', 'still writing');
  const fresh = env.client(env.server.wsUrl, ws.id, ws.tokens.observer);
  await waitFor(() => fresh.doc.getMap('notes').has('after'), 5_000, 'a later write of the same client arrives');
  expect(stock.provider.wsconnected).toBe(true);
});
