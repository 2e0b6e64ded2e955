// Background work of the board, started once per session and kept until it ends (not tied to a
// mounted view, so it keeps going on stages 3–5): publishing silently written notes when revealed,
// and telling the room how many this person holds back. (Merge repair is the server's: see
// server/serverRules.ts.)
import type { WorkshopSession } from '../../sync/session';
import { ownerKey, usePrivateNotesStore, watchPrivateNotes } from './privateNotes';

const running = new WeakMap<WorkshopSession, () => void>();

export function ensureBoardServices(session: WorkshopSession): void {
  if (running.has(session) || session.board.isDestroyed) return;
  const stopPublishing = watchPrivateNotes(session);

  // Tell the room how many notes this person holds back, so the facilitator knows what Reveal shows.
  const owner = ownerKey(session);
  const shareCount = () => {
    const n = usePrivateNotesStore.getState().byOwner[owner]?.length ?? 0;
    const current = session.awareness.getLocalState()?.privateNotes ?? null;
    if ((n || null) !== current) session.awareness.setLocalStateField('privateNotes', n || null);
  };
  shareCount();
  const unsubscribeCount = usePrivateNotesStore.subscribe(shareCount);

  const stop = () => {
    stopPublishing();
    unsubscribeCount();
    running.delete(session);
  };
  running.set(session, stop);
  session.board.once('destroy', stop);
}
