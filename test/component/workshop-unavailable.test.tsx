// @vitest-environment jsdom
// A workshop whose stored data the server cannot load closes its sockets with 4500: the session
// stops reconnecting and the connection badge says what happened and who can fix it.
import { afterEach, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { WORKSHOP_UNAVAILABLE_MESSAGE, WorkshopSession } from '../../client/sync/session.js';
import { ConnectionBadge } from '../../client/workshop/ConnectionBadge.js';

const sessions: WorkshopSession[] = [];
afterEach(() => {
  cleanup();
  sessions.splice(0).forEach((s) => s.destroy());
});

it('stops on close code 4500 and shows that the workshop could not be loaded', () => {
  // Nothing listens on port 9: the providers only ever see the close this test hands them.
  const session = new WorkshopSession('w1', 'token', 'participant', 'person', null, 'ws://127.0.0.1:9/ws');
  sessions.push(session);
  render(
    <SessionContext.Provider value={session}>
      <ConnectionBadge />
    </SessionContext.Provider>,
  );
  const board = session.providers[0]!;
  act(() => board.emit('connection-close', [{ code: 4500, reason: 'workshop could not be loaded' } as CloseEvent, board]));

  expect(session.getStatus()).toBe('refused');
  expect(session.providers.every((p) => !p.shouldConnect)).toBe(true);
  expect(screen.getByRole('status').textContent).toBe(WORKSHOP_UNAVAILABLE_MESSAGE);
  expect(WORKSHOP_UNAVAILABLE_MESSAGE).toMatch(/could not be loaded: its stored data is damaged/);
});
