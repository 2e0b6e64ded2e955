// Rebuilds a Yjs document from what Storage holds for it: the snapshot, then the log in order.
import * as Y from 'yjs';
import type { RoomStorage } from './room/roomStorage.js';

/**
 * Applies the stored state of `key` to `doc` in one transaction, update by update: Y.mergeUpdates
 * is superlinear in the number of updates (seconds for a log of 10,000), applying them in order
 * is not. Returns the log's last sequence number, how many updates follow the snapshot, and how
 * many bytes were stored in all.
 */
export function loadStoredDoc(
  storage: Pick<RoomStorage, 'loadDoc'>,
  key: string,
  doc: Y.Doc,
  origin: unknown,
): { lastSeq: number; updatesSinceSnapshot: number; bytes: number } {
  const { snapshot, updates, lastSeq } = storage.loadDoc(key);
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot, origin);
    for (const update of updates) Y.applyUpdate(doc, update, origin);
  }, origin);
  const bytes = updates.reduce((sum, u) => sum + u.byteLength, snapshot?.byteLength ?? 0);
  return { lastSeq, updatesSinceSnapshot: updates.length, bytes };
}
