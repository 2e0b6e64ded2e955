// How many local changes wait to be sent: every update this person makes to a document while its
// connection is down (or not yet synced) counts one; the document's next sync with the server
// sends them all, and its count goes back to zero. Pure: the session feeds it events.
export type PendingEvent =
  | { type: 'local-update'; doc: string; online: boolean }
  | { type: 'synced'; doc: string };

export type PendingCounts = Readonly<Record<string, number>>;

export function nextPending(counts: PendingCounts, event: PendingEvent): PendingCounts {
  switch (event.type) {
    case 'local-update':
      return event.online ? counts : { ...counts, [event.doc]: (counts[event.doc] ?? 0) + 1 };
    case 'synced':
      return counts[event.doc] ? { ...counts, [event.doc]: 0 } : counts;
  }
}

export const totalPending = (counts: PendingCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** What the header says about changes not yet sent. */
export const pendingLabel = (n: number): string => (n === 1 ? '1 change waits to be sent' : `${n} changes wait to be sent`);
