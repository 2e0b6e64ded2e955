// Reading Yjs from React: one hook on useSyncExternalStore. The snapshot is rebuilt after each
// transaction that touched the document and cached, so renders never call toJSON().
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** `read` must be a pure function of the document; its result is cached until the next change. */
export function useYSnapshot<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const cache = useRef<{ doc: Y.Doc; read: (doc: Y.Doc) => T; version: number; value: T } | null>(null);
  const version = useRef(0);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const handler = () => {
        version.current++;
        onChange();
      };
      doc.on('afterTransaction', handler);
      return () => doc.off('afterTransaction', handler);
    },
    [doc],
  );
  const getSnapshot = () => {
    const c = cache.current;
    if (c && c.doc === doc && c.read === read && c.version === version.current) return c.value;
    const value = read(doc);
    cache.current = { doc, read, version: version.current, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
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
