// What a room needs of storage, and no more: load its document, append accepted updates, fold the
// log into a snapshot. The SQLite Storage is one; an in-memory double (test/helpers/room.ts) is
// another, so the room's write path can be tested in-process with storage that fails on demand.

export interface RoomStorage {
  /** The snapshot (if any) and every update after it, in order. */
  loadDoc(doc: string): { snapshot: Uint8Array | null; updates: Uint8Array[]; lastSeq: number };
  /** Appends one update durably as number `seq` of its document (one more than the last). */
  appendUpdate(doc: string, seq: number, update: Uint8Array): void;
  /** Replaces the log up to `uptoSeq` by a snapshot that contains it, atomically. */
  compact(doc: string, uptoSeq: number, snapshot: Uint8Array): void;
}

/** Where a room's stored log stands: the outbox appends to it, compaction folds it. */
export interface StoredLog {
  /** Sequence number of the last update stored (the snapshot covers up to here once compacted). */
  lastSeq: number;
  /** Updates stored after the snapshot. */
  sinceSnapshot: number;
}
