// The header's count of changes waiting to be sent (SPEC 10): local updates made while a
// document is not synced count, one each, per document; that document's next sync resets its count.
import { expect, it } from 'vitest';
import { nextPending, pendingLabel, totalPending, type PendingCounts, type PendingEvent } from '../../client/sync/pendingChanges.js';

const run = (events: PendingEvent[], from: PendingCounts = {}) => events.reduce(nextPending, from);

it('counts local updates made offline, per document, and not those made online', () => {
  const counts = run([
    { type: 'local-update', doc: 'board', online: true },
    { type: 'local-update', doc: 'board', online: false },
    { type: 'local-update', doc: 'board', online: false },
    { type: 'local-update', doc: 'private', online: false },
  ]);
  expect(counts).toEqual({ board: 2, private: 1 });
  expect(totalPending(counts)).toBe(3);
});

it("resets a document's count when it has synced, and only that document's", () => {
  const counts = run(
    [
      { type: 'synced', doc: 'board' },
      { type: 'local-update', doc: 'control', online: false },
    ],
    { board: 4, private: 1 },
  );
  expect(counts).toEqual({ board: 0, private: 1, control: 1 });
  expect(totalPending(counts)).toBe(2);
  // Nothing to reset: the same object, so no listener is woken.
  expect(nextPending(counts, { type: 'synced', doc: 'other' })).toBe(counts);
});

it('says the count in words', () => {
  expect(pendingLabel(0)).toBe('0 changes wait to be sent');
  expect(pendingLabel(1)).toBe('1 change waits to be sent');
  expect(pendingLabel(7)).toBe('7 changes wait to be sent');
});
