// Reading Yjs from React: one hook on useSyncExternalStore. Each document has one observer that
// counts its transactions; a reader's snapshot is rebuilt at most once per transaction and shared
// by every view that reads it (the decision log and the checklist read the same board), so renders
// never call toJSON().
import { useCallback, useDeferredValue, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

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
  const subscribe = useCallback(
    (onChange: () => void) => {
      const { listeners } = snapshotsOf(doc);
      listeners.add(onChange);
      return () => void listeners.delete(onChange);
    },
    [doc],
  );
  const getSnapshot = () => {
    const s = snapshotsOf(doc);
    const c = s.cache.get(read);
    if (c && c.version === s.version) return c.value as T;
    const value = read(doc);
    s.cache.set(read, { version: s.version, value });
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}

/**
 * useYSnapshot for views beside the board (the decision log, the checklist): they take a change
 * in a transition after the urgent render, so when a big board arrives, or edits come in a burst,
 * the notes paint first and these follow a moment later.
 */
export function useDeferredYSnapshot<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  return useDeferredValue(useYSnapshot(doc, read));
}

/** Presence states of everyone connected (including ourselves), keyed by awareness client id. */
export function useAwarenessStates<T = Record<string, unknown>>(awareness: Awareness): Map<number, T> {
  const cache = useRef<Map<number, T> | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const handler = () => {
        cache.current = null;
        onChange();
      };
      awareness.on('change', handler);
      return () => awareness.off('change', handler);
    },
    [awareness],
  );
  const getSnapshot = () => (cache.current ??= new Map(awareness.getStates() as Map<number, T>));
  return useSyncExternalStore(subscribe, getSnapshot);
}
