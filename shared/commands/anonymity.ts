// Anonymous workshops: no author identity on the board. Clients write new notes with the
// anonymous author while the workshop is anonymous; the server runs this command to clear any
// identity that is on the board anyway (notes written before anonymity was turned on, a stale or
// hostile client): the note's author, its co-authors, and the note snapshots kept in merge records.
import type * as Y from 'yjs';
import { ANONYMOUS_AUTHOR, boardMaps, isAnonymousAuthor, noteMergeMap } from '../schema.js';

const carriesIdentity = (author: unknown, coAuthors: unknown): boolean =>
  !isAnonymousAuthor(author) || (Array.isArray(coAuthors) && coAuthors.length > 0);

/**
 * Clears author identities from the given notes and merge records (all of them when omitted), in
 * one transaction. Returns how many records it changed; writes nothing when there is nothing to clear.
 */
export function clearAuthors(
  doc: Y.Doc,
  args: { noteIds?: Iterable<string>; mergeKeys?: Iterable<string>; origin: unknown },
): number {
  const { notes } = boardMaps(doc);
  const merges = noteMergeMap(doc);
  const noteIds = [...(args.noteIds ?? notes.keys())];
  const mergeKeys = [...(args.mergeKeys ?? merges.keys())];
  const dirtyNotes = noteIds.filter((id) => {
    const rec = notes.get(id);
    return !!rec && typeof rec.get === 'function' && carriesIdentity(rec.get('author'), rec.get('coAuthors'));
  });
  const dirtyMerges = mergeKeys.filter((key) => {
    const entry = merges.get(key) as { note?: { author?: unknown; coAuthors?: unknown } } | undefined;
    return !!entry?.note && carriesIdentity(entry.note.author, entry.note.coAuthors);
  });
  if (!dirtyNotes.length && !dirtyMerges.length) return 0;
  doc.transact(() => {
    for (const id of dirtyNotes) {
      const rec = notes.get(id)!;
      if (!isAnonymousAuthor(rec.get('author'))) rec.set('author', ANONYMOUS_AUTHOR);
      if (Array.isArray(rec.get('coAuthors')) && (rec.get('coAuthors') as unknown[]).length) rec.set('coAuthors', []);
    }
    for (const key of dirtyMerges) {
      const entry = merges.get(key) as { note: Record<string, unknown> };
      merges.set(key, { ...entry, note: { ...entry.note, author: ANONYMOUS_AUTHOR, coAuthors: [] } });
    }
  }, args.origin);
  return dirtyNotes.length + dirtyMerges.length;
}
