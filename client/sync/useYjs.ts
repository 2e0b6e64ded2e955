// Reading Yjs from React: one hook on useSyncExternalStore. Each document has one observer that
// counts its transactions; a reader's snapshot is rebuilt at most once per transaction and shared
// by every view that reads it (the decision log and the checklist read the same board), so renders
// never call toJSON(). Presence is read the same way, through values derived from it that change
// only when what a view shows does.
import { useCallback, useDeferredValue, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { PresenceState } from './session';

type Reader = (doc: Y.Doc) => unknown;

interface DocSnapshots {
  /** Bumped after every transaction on the document. */
  version: number;
  listeners: Set<() => void>;
  cache: WeakMap<Reader, { version: number; value: unknown }>;
}

const snapshots = new WeakMap<Y.Doc, DocSnapshots>();

function snapshotsOf(doc: Y.Doc): DocSnapshots {
  let s = snapshots.get(doc);
  if (!s) {
    const created: DocSnapshots = { version: 0, listeners: new Set(), cache: new WeakMap() };
    doc.on('afterTransaction', () => {
      created.version++;
      created.listeners.forEach((l) => l());
    });
    snapshots.set(doc, (s = created));
  }
  return s;
}

/** `read` must be a pure function of the document, defined once (module level): results are cached per reader until the next change. */
export function useYSnapshot<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  return useYSelect(doc, read, identity);
}

const identity = <T,>(value: T): T => value;

/**
 * One value picked from a reader's snapshot (the reader runs once per change for every view that
 * uses it): the view re-renders only when the picked value changes (Object.is), so a note that
 * shows one line of a board-wide computation is not re-rendered by every edit elsewhere.
 */
export function useYSelect<T, S>(doc: Y.Doc, read: (doc: Y.Doc) => T, select: (snapshot: T) => S): S {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const { listeners } = snapshotsOf(doc);
      listeners.add(onChange);
      return () => void listeners.delete(onChange);
    },
    [doc],
  );
  return useSyncExternalStore(subscribe, () => select(cachedRead(doc, read)));
}

function cachedRead<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const s = snapshotsOf(doc);
  const c = s.cache.get(read);
  if (c && c.version === s.version) return c.value as T;
  const value = read(doc);
  s.cache.set(read, { version: s.version, value });
  return value;
}

/**
 * useYSnapshot for views beside the board (the decision log, the checklist): they take a change
 * in a transition after the urgent render, so when a big board arrives, or edits come in a burst,
 * the notes paint first and these follow a moment later.
 */
export function useDeferredYSnapshot<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  return useDeferredValue(useYSnapshot(doc, read));
}

/**
 * A value derived from presence (Yjs awareness) that only changes, by identity, when its
 * signature does: a view of who is here or who is editing what does not re-render for the stream
 * of cursor moves that also rides on presence. `derive` gets every state (ourselves included) and
 * our own client id.
 */
export function useDerivedPresence<T>(
  awareness: Awareness,
  derive: (states: Map<number, PresenceState>, self: number) => T,
  signature: (value: T) => string,
): T {
  const cache = useRef<{ sig: string; value: T } | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      awareness.on('change', onChange);
      return () => awareness.off('change', onChange);
    },
    [awareness],
  );
  const getSnapshot = () => {
    const value = derive(awareness.getStates() as Map<number, PresenceState>, awareness.clientID);
    const sig = signature(value);
    if (cache.current && cache.current.sig === sig) return cache.current.value;
    cache.current = { sig, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}
