// Silent writing: while the facilitator has it on, a person's new notes stay on their device
// (this store, kept in localStorage so a reload or an outage loses nothing), not in the shared
// document. When the facilitator presses Reveal the control document's reveal counter goes up,
// and every author's client publishes the notes written before that reveal, all at once. A client
// that was offline publishes as soon as it has synced the control document again.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Lane } from '../../../shared/constants';
import { addNote } from '../../../shared/commands/notes';
import { newId } from '../../../shared/commands/ids';
import { ANONYMOUS_AUTHOR, type Threshold } from '../../../shared/schema';
import type { WorkshopSession } from '../../sync/session';
import { controlSynced, readBoardControl } from './boardState';

export interface PrivateNote {
  id: string;
  lane: Lane;
  text: string;
  threshold: Threshold | null;
  createdAt: number;
  /** The reveal counter when the note was written: the next reveal publishes it. */
  seq: number;
}

interface PrivateNotesStore {
  /** Keyed `${workshopId}/${userId}`: one person's notes in one workshop. */
  byOwner: Record<string, PrivateNote[]>;
  add: (owner: string, note: PrivateNote) => void;
  update: (owner: string, id: string, patch: Partial<Pick<PrivateNote, 'text' | 'threshold' | 'lane'>>) => void;
  remove: (owner: string, ids: readonly string[]) => void;
}

const EMPTY: PrivateNote[] = [];

export const usePrivateNotesStore = create<PrivateNotesStore>()(
  persist(
    (set) => ({
      byOwner: {},
      add: (owner, note) => set((s) => ({ byOwner: { ...s.byOwner, [owner]: [...(s.byOwner[owner] ?? []), note] } })),
      update: (owner, id, patch) =>
        set((s) => ({ byOwner: { ...s.byOwner, [owner]: (s.byOwner[owner] ?? []).map((n) => (n.id === id ? { ...n, ...patch } : n)) } })),
      remove: (owner, ids) =>
        set((s) => {
          const left = (s.byOwner[owner] ?? []).filter((n) => !ids.includes(n.id));
          const { [owner]: _mine, ...others } = s.byOwner;
          return { byOwner: left.length ? { ...others, [owner]: left } : others };
        }),
    }),
    { name: 'scaleboard:private-notes', storage: createJSONStorage(() => localStorage), version: 1 },
  ),
);

export const ownerKey = (session: Pick<WorkshopSession, 'workshopId' | 'user'>): string => `${session.workshopId}/${session.user.id}`;

export function usePrivateNotes(session: WorkshopSession): PrivateNote[] {
  return usePrivateNotesStore((s) => s.byOwner[ownerKey(session)] ?? EMPTY);
}

/** Keeps a new note private (silent writing on); returns its id. */
export function addPrivateNote(session: WorkshopSession, args: { lane: Lane; text: string; now: number }): string {
  const id = newId();
  const seq = readBoardControl(session.control).reveals.notesRevealSeq;
  usePrivateNotesStore.getState().add(ownerKey(session), { id, lane: args.lane, text: args.text, threshold: null, createdAt: args.now, seq });
  return id;
}

/** Origin of publishing: not an undoable edit (undo must not take a revealed note back). */
export const PUBLISH_ORIGIN = 'publish';

/**
 * Publishes this person's private notes that are due: all of them once silent writing is off,
 * else those written before the latest reveal. Waits for the control document to sync (so a
 * stale "silent writing off" is never trusted) and for the board to be writable. Returns how many.
 */
export function publishDueNotes(session: WorkshopSession): number {
  if (session.role === 'observer' || !controlSynced(session)) return 0;
  const { settings, reveals } = readBoardControl(session.control);
  if (settings.locked && session.role !== 'facilitator') return 0;
  const owner = ownerKey(session);
  const mine = usePrivateNotesStore.getState().byOwner[owner] ?? [];
  const due = mine.filter((n) => !settings.silentWriting || reveals.notesRevealSeq > n.seq);
  if (!due.length) return 0;
  // An anonymous workshop's board holds no author identity (the server clears any that arrives).
  const author = settings.anonymous ? ANONYMOUS_AUTHOR : session.user;
  session.board.transact(() => {
    for (const n of due) {
      // The note keeps its id, so publishing twice (two tabs, a retry) still makes one note.
      addNote(session.board, { id: n.id, lane: n.lane, text: n.text, threshold: n.threshold, author, now: n.createdAt, origin: PUBLISH_ORIGIN });
    }
  }, PUBLISH_ORIGIN);
  usePrivateNotesStore.getState().remove(owner, due.map((n) => n.id));
  return due.length;
}

/**
 * This person's private notes that wait only for the connection: due by the control state this
 * screen knows (silent writing off, or a reveal since they were written) but not published because
 * the control document has not synced. The header counts them among the changes waiting (SPEC 10).
 */
export function notesWaitingToBeSent(session: WorkshopSession): number {
  if (session.role === 'observer' || controlSynced(session)) return 0;
  const { settings, reveals } = readBoardControl(session.control);
  const mine = usePrivateNotesStore.getState().byOwner[ownerKey(session)] ?? [];
  return mine.filter((n) => !settings.silentWriting || reveals.notesRevealSeq > n.seq).length;
}

/** Publishes whenever it may become due: control changes, (re)syncs, store changes. Returns a stop function. */
export function watchPrivateNotes(session: WorkshopSession): () => void {
  let scheduled = false;
  const check = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (session.board.isDestroyed) return;
      publishDueNotes(session);
      session.setHeldBack('notes', notesWaitingToBeSent(session));
    });
  };
  const controlProvider = session.providers?.[1];
  session.control.on('afterTransaction', check);
  controlProvider?.on('sync', check);
  const unsubscribe = usePrivateNotesStore.subscribe(check);
  check();
  return () => {
    session.control.off('afterTransaction', check);
    controlProvider?.off('sync', check);
    unsubscribe();
    session.setHeldBack('notes', 0);
  };
}
