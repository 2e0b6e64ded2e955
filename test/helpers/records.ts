// Test values written into the board's record roots. The server accepts only records (Y.Map) in
// `notes`, `impacts`, `initiatives`, `decisions` and `metrics` (see server/room/writeRules.ts), so tests that
// use the board as a plain key-value store wrap each value in a record.
import * as Y from 'yjs';

export function putRecord(doc: Y.Doc, key: string, value: unknown, root = 'notes'): void {
  const record = new Y.Map<unknown>();
  record.set('value', value);
  doc.getMap<Y.Map<unknown>>(root).set(key, record);
}

/** The value a test record holds (undefined when absent or not a record). */
export function recordValue(doc: Y.Doc, key: string, root = 'notes'): unknown {
  const record = doc.getMap(root).get(key);
  return record instanceof Y.Map ? record.get('value') : undefined;
}
