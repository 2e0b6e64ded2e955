// Presence on the board through Yjs awareness: live cursors (throttled), who is editing which
// note (`editing`, which the Participants panel shows as "typing…"), and how many private notes
// someone holds during silent writing (so the facilitator knows what Reveal will show).
import type { Awareness } from 'y-protocols/awareness';
import type { PresenceState } from '../../sync/session';
import { useDerivedPresence } from '../../sync/useYjs';

/** At most ~20 cursor updates per second per person, the last position always sent. */
export const CURSOR_INTERVAL_MS = 50;

export interface BoardCursor {
  /** Fraction of the board's width (screens differ in width; lanes are proportional). */
  x: number;
  /** Pixels from the top of the board. */
  y: number;
}

export interface Peer {
  clientId: number;
  id: string;
  name: string;
  color: string;
}

/** A trailing-edge throttle: calls `fn` at most once per `ms`, always with the latest value. */
export function throttle<T>(fn: (value: T) => void, ms: number, now: () => number = () => performance.now()) {
  let last = -Infinity;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    last = now();
    const { value } = pending;
    pending = null;
    fn(value);
  };
  const call = (value: T) => {
    pending = { value };
    const wait = last + ms - now();
    if (wait <= 0 && !timer) flush();
    else if (!timer) timer = setTimeout(flush, Math.max(0, wait));
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return call;
}

export function setEditing(awareness: Awareness, target: string | null): void {
  if ((awareness.getLocalState()?.editing ?? null) !== target) awareness.setLocalStateField('editing', target);
}

const peerOf = (clientId: number, s: PresenceState): Peer | null =>
  s.user?.id && s.user.name ? { clientId, id: s.user.id, name: s.user.name, color: s.user.color } : null;

/** Others editing each note: note id -> people. */
export function useEditors(awareness: Awareness): Map<string, Peer[]> {
  return useDerivedPresence(
    awareness,
    (states, self) => {
      const out = new Map<string, Peer[]>();
      for (const [clientId, s] of states) {
        if (clientId === self || typeof s.editing !== 'string') continue;
        const peer = peerOf(clientId, s);
        if (!peer) continue;
        out.set(s.editing, [...(out.get(s.editing) ?? []), peer]);
      }
      return out;
    },
    (m) => JSON.stringify([...m].map(([k, v]) => [k, v.map((p) => p.clientId)])),
  );
}

/** How many private notes other people hold right now (silent writing). */
export function usePrivateNoteCount(awareness: Awareness): number {
  return useDerivedPresence(
    awareness,
    (states, self) => {
      let n = 0;
      for (const [clientId, s] of states) if (clientId !== self && typeof s.privateNotes === 'number') n += s.privateNotes;
      return n;
    },
    String,
  );
}

export interface CursorView extends Peer {
  cursor: BoardCursor;
}

/** Other people's cursors on the board (changes with every move: render it in a small component). */
export function useCursors(awareness: Awareness): CursorView[] {
  return useDerivedPresence(
    awareness,
    (states, self) => {
      const out: CursorView[] = [];
      for (const [clientId, s] of states) {
        const c = s.cursor as BoardCursor | null | undefined;
        if (clientId === self || !c || typeof c.x !== 'number' || typeof c.y !== 'number') continue;
        const peer = peerOf(clientId, s);
        if (peer) out.push({ ...peer, cursor: { x: c.x, y: c.y } });
      }
      return out;
    },
    (v) => JSON.stringify(v.map((c) => [c.clientId, c.cursor.x, c.cursor.y])),
  );
}
