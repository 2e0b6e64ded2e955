// What this browser keeps of a workshop so it survives a lost connection and a reload (SPEC 10):
// the board, control and private documents in IndexedDB (y-indexeddb), one database per workshop,
// person and document. One tab of a browser persists a database at a time: a Web Lock of the same
// name decides, and the next tab takes over (and stores its whole state) when the holder closes.
// y-indexeddb itself tolerates several tabs, but each would append every update it sees, so a
// room of three tabs would store everything three times.
import type * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';

export type LocalDoc = 'board' | 'control' | 'private';

const PREFIX = 'scaleboard:';
export const localDbName = (workshopId: string, personId: string, doc: LocalDoc) => `${PREFIX}${workshopId}:${personId}:${doc}`;

export interface LocalPersistence {
  /** True once the stored state (if any) is in the document. */
  readonly loaded: Promise<void>;
  destroy(): void;
}

export interface PersistOptions {
  /**
   * Called just before the stored state is applied to `doc` (in y-indexeddb's transaction, at
   * load or when this tab takes over from one that closed); the function it returns, if any, is
   * called once that transaction is over, before its update reaches any listener. The session
   * closes the document's connection in between when it must (client/sync/session.ts closeForStoredState).
   */
  aroundLoad?: () => (() => void) | null;
}

/** Keeps `doc` in IndexedDB under `name` while this tab holds the lock of that name. */
export function persistLocally(name: string, doc: Y.Doc, { aroundLoad }: PersistOptions = {}): LocalPersistence {
  if (typeof indexedDB === 'undefined') return { loaded: Promise.resolve(), destroy: () => undefined };
  let persistence: IndexeddbPersistence | null = null;
  let destroyed = false;
  let release: () => void = () => undefined;
  let loadedResolve: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (loadedResolve = resolve));
  let afterLoad: (() => void) | null = null;
  const beforeTransaction = (tr: Y.Transaction) => {
    if (persistence && tr.origin === persistence) afterLoad = aroundLoad?.() ?? null;
  };
  // After 'afterTransaction' and before 'update', which is when y-websocket sends the update.
  const afterTransactionCleanup = (tr: Y.Transaction) => {
    if (!persistence || tr.origin !== persistence || !afterLoad) return;
    const f = afterLoad;
    afterLoad = null;
    f();
  };
  const start = () => {
    doc.on('beforeTransaction', beforeTransaction);
    doc.on('afterTransactionCleanup', afterTransactionCleanup);
    persistence = new IndexeddbPersistence(name, doc);
    void persistence.whenSynced.then(() => loadedResolve());
  };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks) {
    void locks.request(name, () => {
      if (destroyed) return;
      start();
      return new Promise<void>((resolve) => (release = resolve));
    });
    // Another tab holds the lock: its documents are the same, and this tab reads them from the
    // server or the broadcast channel; so loading waits for nobody.
    void locks.query().then((state) => {
      if (state.held?.some((l) => l.name === name) && !persistence) loadedResolve();
    });
  } else start();
  return {
    loaded,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // Close the database, never clear it: the data is what survives the reload.
      void persistence?.destroy();
      doc.off('beforeTransaction', beforeTransaction);
      doc.off('afterTransactionCleanup', afterTransactionCleanup);
      release();
    },
  };
}

/** Keys of this browser's localStorage that belong to a workshop. */
function workshopStorageKeys(storage: Storage, workshopId: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX) && key.split(':').includes(workshopId)) keys.push(key);
  }
  return keys;
}

/**
 * Everything this browser keeps of one workshop, gone: its IndexedDB databases, the person tokens,
 * joined names and cached session answers in localStorage. Private notes and drafts are cleared by
 * the caller through their stores (client/state/leave.ts).
 */
export async function clearLocalWorkshop(workshopId: string, idb: IDBFactory | undefined = globalThis.indexedDB, storage: Storage = localStorage): Promise<void> {
  for (const key of workshopStorageKeys(storage, workshopId)) storage.removeItem(key);
  if (!idb?.databases) return;
  const dbs = await idb.databases();
  const mine = dbs.map((d) => d.name ?? '').filter((n) => n.startsWith(`${PREFIX}${workshopId}:`));
  await Promise.all(
    mine.map(
      (n) =>
        new Promise<void>((resolve) => {
          const req = idb.deleteDatabase(n);
          req.onsuccess = req.onerror = req.onblocked = () => resolve();
        }),
    ),
  );
}
