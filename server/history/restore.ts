// Restore and rollback (SPEC 8): applied by the server as a new change of the board, from the
// values the history kept (so they work after compaction of the Yjs log and after a restart), and
// recorded in the history like any change, so nothing is lost either way.
import * as Y from 'yjs';
import { DOC_NAMES } from '../../shared/constants.js';
import { boardMaps, noteMergeMap, readSettings } from '../../shared/schema.js';
import { clearAuthors } from '../../shared/commands/anonymity.js';
import { replaceText } from '../../shared/commands/text.js';
import { RECORD_LIMITS } from '../../shared/limits.js';
import {
  TEXT_FIELDS,
  canonicalJson,
  deletedRecords,
  describeRestore,
  describeRollback,
  lastTurnedAnonymous,
  rollbackTargets,
  type Actor,
  type Json,
  type RecordChange,
} from '../../shared/history.js';
import { ServerOrigin } from '../room/origins.js';
import type { DocRoom } from '../docRoom.js';
import type { HistoryRecorder } from './recorder.js';
import type { HistoryEntry } from './store.js';

export interface RestoreHost {
  readonly history: HistoryRecorder;
  room(docName: string): DocRoom;
  /**
   * Stores what the board's room holds pending: true once stored. Without it, the room's commitNow
   * (one node, synchronous); a cluster owner, whose commit returns later, gives its own.
   */
  commitBoard?(): Promise<boolean>;
}

/** Why a restore or rollback did nothing: no such entry (404), nothing to do (409), or storage failed (503). */
export class RestoreRefused extends Error {
  constructor(
    readonly status: 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const rootMap = (doc: Y.Doc, root: string): Y.Map<unknown> =>
  root === 'noteMerges' ? noteMergeMap(doc) : (boardMaps(doc) as unknown as Record<string, Y.Map<unknown>>)[root]!;

/**
 * Makes one record of the board read `value` (null: absent). An existing record is changed field
 * by field (text through replaceText), so the merge bookkeeping's positions in a note's text stay
 * valid; a missing one is made anew, its text fields as Y.Text like the commands make them.
 */
export function writeRecord(doc: Y.Doc, root: string, key: string, value: Json): void {
  const map = rootMap(doc, root);
  if (value === null) {
    map.delete(key);
    return;
  }
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  if (root === 'noteMerges' || !fields) {
    map.set(key, value);
    return;
  }
  const texts = TEXT_FIELDS[root] ?? [];
  const existing = map.get(key);
  if (existing instanceof Y.Map) {
    for (const f of [...existing.keys()]) if (!(f in fields)) existing.delete(f);
    for (const [f, v] of Object.entries(fields)) {
      const cur = existing.get(f);
      if (texts.includes(f) && typeof v === 'string') {
        if (cur instanceof Y.Text) replaceText(cur, v);
        else existing.set(f, new Y.Text(v));
      } else if (canonicalJson(cur instanceof Y.AbstractType ? cur.toJSON() : cur ?? null) !== canonicalJson(v)) {
        existing.set(f, v);
      }
    }
    return;
  }
  const record = new Y.Map<unknown>();
  for (const [f, v] of Object.entries(fields)) record.set(f, texts.includes(f) && typeof v === 'string' ? new Y.Text(v) : v);
  map.set(key, record);
}

/** Writes the given records in one server transaction, recorded as `actor`'s change, and stores it before resolving its entry. */
async function apply(
  host: RestoreHost,
  workshopId: string,
  actor: Actor,
  writes: (RecordChange & { from: number })[],
  describe: (who: string, changes: RecordChange[]) => string,
  kind: 'restore' | 'rollback',
): Promise<HistoryEntry> {
  const since = host.history.lastStored;
  const board = host.room(DOC_NAMES.board);
  // Notes come back without their authors while the workshop is anonymous, and so do values from
  // before anonymous mode was last turned on: the board forgot those authors for good then.
  const forgotten = readSettings(host.room(DOC_NAMES.control).doc).anonymous ? Infinity : lastTurnedAnonymous(host.history.store.list(workshopId));
  const anonymised = writes.filter((w) => w.from < forgotten);
  host.history.withActor({ actor, kind, describe: (who, changes) => describe(who, changes) }, () => {
    board.doc.transact(() => {
      for (const w of writes) writeRecord(board.doc, w.root, w.key, w.after);
      if (anonymised.length) {
        const noteIds = anonymised.filter((w) => w.root === 'notes').map((w) => w.key);
        const mergeKeys = anonymised.filter((w) => w.root === 'noteMerges').map((w) => w.key);
        clearAuthors(board.doc, { noteIds, mergeKeys, origin: ServerOrigin.server });
      }
    }, ServerOrigin.server);
  });
  if (!(host.commitBoard ? await host.commitBoard() : board.commitNow())) throw new RestoreRefused(503, `the ${kind} could not be stored: try again in a moment`);
  const entry = host.history.store.boardAfter(workshopId, since).find((e) => e.kind === kind);
  if (!entry) throw new Error(`the ${kind} was applied but not recorded`);
  return entry;
}

/** Brings back what entry `seq` deleted (records that are back already are left alone). Resolves the restore's own entry. */
export async function restoreEntry(host: RestoreHost, workshopId: string, seq: number, actor: Actor): Promise<HistoryEntry> {
  const entry = host.history.store.get(workshopId, seq);
  if (!entry) throw new RestoreRefused(404, `no history entry #${seq}`);
  const deleted = entry.doc === 'board' ? deletedRecords(entry.changes) : [];
  if (!deleted.length) throw new RestoreRefused(409, `history entry #${seq} deleted nothing that can be restored`);
  // A decision comes back with its initiative, an impact with its note, as they went.
  const missing = deleted.filter((c) => host.history.boardValue(c.root, c.key) === null).map((c) => ({ ...c, after: c.before, from: seq }));
  if (!missing.length) throw new RestoreRefused(409, `what history entry #${seq} deleted is on the board again`);
  // The content limits hold for a restore too (a full board stays within its 500 notes).
  for (const [root, most] of Object.entries(RECORD_LIMITS)) {
    const back = missing.filter((c) => c.root === root).length;
    const now = rootMap(host.room(DOC_NAMES.board).doc, root).size;
    if (back && now + back > most) throw new RestoreRefused(409, `the board holds at most ${most} ${root}: ${now} are on it, so the ${back} of #${seq} do not fit`);
  }
  return apply(host, workshopId, actor, missing, (who) => describeRestore(who, missing.map((c) => ({ ...c, before: null })), host.history.names(), seq), 'restore');
}

/** Puts the board back as it was right after entry `seq`, as one new change. Resolves the rollback's own entry. */
export async function rollbackTo(host: RestoreHost, workshopId: string, seq: number, actor: Actor): Promise<HistoryEntry> {
  const entry = host.history.store.get(workshopId, seq);
  if (!entry) throw new RestoreRefused(404, `no history entry #${seq}`);
  const targets = rollbackTargets(host.history.store.boardAfter(workshopId, seq));
  const writes = [...targets.values()]
    .map((t) => ({ ...t, before: host.history.boardValue(t.root, t.key), from: t.from ?? seq }))
    .filter((t) => canonicalJson(t.before) !== canonicalJson(t.after));
  if (!writes.length) throw new RestoreRefused(409, `the board is already as it was after #${seq}`);
  return apply(host, workshopId, actor, writes, (who) => describeRollback(who, seq, writes.length), 'rollback');
}
