// The part of y-leveldb (a dependency of @y/websocket-server, untyped) that the bench uses.
declare module 'y-leveldb' {
  export class LeveldbPersistence {
    constructor(location: string);
    storeUpdate(docName: string, update: Uint8Array): Promise<number>;
    destroy(): Promise<void>;
    /** Runs `f` with the store's LevelDB handle, in y-leveldb's queue. */
    _transact<T>(f: (db: unknown) => Promise<T>): Promise<T>;
  }
  /** Every stored update of `docName`, unmerged (what getYDoc reads). */
  export function getLevelUpdates(db: unknown, docName: string): Promise<Uint8Array[]>;
}
