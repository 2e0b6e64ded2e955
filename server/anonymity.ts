// Anonymous workshops hold no author identity in the shared board, whatever a client writes:
// when the facilitator turns anonymity on, and after every accepted board write while it is on,
// the server clears any author left on the notes that write touched (see commands/anonymity.ts).
// The write and the clearing are stored and relayed in the same turn, and the server's board is
// garbage-collected, so a late joiner (an observer) never receives the names.
import type * as Y from 'yjs';
import { DOC_NAMES } from '../shared/constants.js';
import { boardMaps, controlMaps, noteMergeMap, readSettings } from '../shared/schema.js';
import { clearAuthors } from '../shared/commands/anonymity.js';
import type { DocRoom } from './docRoom.js';
import { ServerOrigin } from './docRoom.js';

export interface AnonymityHost {
  room(docName: string): DocRoom;
}

export class Anonymity {
  constructor(private readonly host: AnonymityHost) {}

  /** Whether the workshop is anonymous now. */
  isOn(): boolean {
    return readSettings(this.host.room(DOC_NAMES.control).doc).anonymous;
  }

  /** Called by the workshop whenever it loads one of its documents. */
  roomLoaded(docName: string): void {
    if (docName === DOC_NAMES.control) {
      const settings = controlMaps(this.host.room(DOC_NAMES.control).doc).settings;
      settings.observe((event) => {
        if (event.keysChanged.has('anonymous') && this.isOn()) this.clearAll();
      });
    } else if (docName === DOC_NAMES.board && this.isOn()) {
      this.clearAll(); // turned on while the board was not loaded, or stored before this rule existed
    }
  }

  /** After an accepted client write to the board: clears authors on what it touched. */
  written(tr: Y.Transaction): void {
    if (!this.isOn()) return;
    const board = this.host.room(DOC_NAMES.board).doc;
    const notes = boardMaps(board).notes as Y.AbstractType<unknown>;
    const merges = noteMergeMap(board) as Y.AbstractType<unknown>;
    const noteIds = new Set<string>();
    const mergeKeys = new Set<string>();
    for (const [type, keys] of tr.changed) {
      if (type === notes) keys.forEach((k) => k && noteIds.add(k));
      else if (type === merges) keys.forEach((k) => k && mergeKeys.add(k));
      else if (type._item?.parent === notes && type._item.parentSub) noteIds.add(type._item.parentSub);
    }
    if (noteIds.size || mergeKeys.size) clearAuthors(board, { noteIds, mergeKeys, origin: ServerOrigin.server });
  }

  private clearAll(): void {
    clearAuthors(this.host.room(DOC_NAMES.board).doc, { origin: ServerOrigin.server });
  }
}
