// Background work of the board, started once per session and kept until it ends (not tied to a
// mounted view, so it keeps going on stages 3–5): the merge repair, run by one elected client
// (see shared/commands/noteMerges.ts), and publishing silently written notes when revealed.
import { isRepairLeader, watchMergeRepairs } from '../../../shared/commands/notes';
import type { WorkshopSession } from '../../sync/session';
import { accessOf, readBoardControl } from './boardState';
import { ownerKey, usePrivateNotesStore, watchPrivateNotes } from './privateNotes';

const running = new WeakMap<WorkshopSession, () => void>();

export function ensureBoardServices(session: WorkshopSession): void {
  if (running.has(session) || session.board.isDestroyed) return;
  const boardProvider = session.providers?.[0];
  const online = () => (boardProvider ? boardProvider.wsconnected && boardProvider.synced : true);
  const repairs = watchMergeRepairs(session.board, {
    canWrite: () => {
      const { settings } = readBoardControl(session.control);
      return (
        accessOf(session.role, settings).canWrite &&
        online() &&
        isRepairLeader(session.awareness.getStates(), session.awareness.clientID, settings.locked)
      );
    },
  });
  // Leadership changes only when someone arrives or leaves (not on every cursor move).
  const onPresence = ({ added, removed }: { added: number[]; removed: number[] }) => {
    if (added.length || removed.length) repairs.poke();
  };
  session.awareness.on('change', onPresence);
  boardProvider?.on('sync', repairs.poke);
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
    repairs.stop();
    session.awareness.off('change', onPresence);
    boardProvider?.off('sync', repairs.poke);
    stopPublishing();
    unsubscribeCount();
    running.delete(session);
  };
  running.set(session, stop);
  session.board.once('destroy', stop);
}
