// Blind scores, revealed by the server. Each person scores in their own private document
// (`private/<personId>`, server/people.ts), which nobody else can open. When the facilitator sets
// reveals.scoresRevealed in the control document, the server reads every private document of the
// workshop and writes the scores into the board's server-only `revealedScores` map
// (key `${initiativeId}/${participantId}`); while revealed it keeps that map in step with later
// score changes, late joiners' private documents included. Hiding again clears the map.
//
// The private documents are client-written, so everything read from them is validated: ids must
// look like ids, scores must be whole numbers 1–5 (anything else counts as missing). Whose ballot
// it is comes from the document's name, which the server chose, never from what the client wrote.
import type * as Y from 'yjs';
import { DOC_NAMES, PRIVATE_DOC_PREFIX } from '../shared/constants.js';
import { boardMaps, controlMaps, privateMaps, readReveals, type Score } from '../shared/schema.js';
import { isValidScore } from '../shared/ranking.js';
import type { DocRoom } from './docRoom.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Per private document; a real workshop has a handful of initiatives. */
const MAX_SCORES_PER_DOC = 500;

/** What the reveal needs from a workshop (kept narrow so it is easy to test and reason about). */
export interface ScoreRevealHost {
  room(docName: string): DocRoom;
  privateDocNames(): string[];
  transact(docName: string, fn: (doc: Y.Doc) => void): void;
}

const scoreKey = (s: Pick<Score, 'initiativeId' | 'participantId'>) => `${s.initiativeId}/${s.participantId}`;

/**
 * Every valid score in the given private documents (name order, so every run gives the same
 * result). A document `private/<personId>` is that person's one ballot: the server opens it for
 * the person's connections only, so the name is the identity; the profile the client wrote in it
 * (participantId, name) is never read here.
 */
export function collectScores(privateDocs: { name: string; doc: Y.Doc }[]): Map<string, Score> {
  const out = new Map<string, Score>();
  for (const { name, doc } of privateDocs) {
    const participantId = name.startsWith(PRIVATE_DOC_PREFIX) ? name.slice(PRIVATE_DOC_PREFIX.length) : '';
    if (!ID.test(participantId)) continue;
    let n = 0;
    for (const [initiativeId, value] of privateMaps(doc).scores) {
      if (++n > MAX_SCORES_PER_DOC) break;
      if (!ID.test(initiativeId) || !value || typeof value !== 'object') continue;
      const roi = isValidScore(value.roi) ? value.roi : null;
      const urgency = isValidScore(value.urgency) ? value.urgency : null;
      if (roi === null && urgency === null) continue;
      const score: Score = { initiativeId, participantId, roi, urgency };
      out.set(scoreKey(score), score);
    }
  }
  return out;
}

const sameScore = (a: Score | undefined, b: Score): boolean =>
  !!a && a.initiativeId === b.initiativeId && a.participantId === b.participantId && a.roi === b.roi && a.urgency === b.urgency;

export class ScoreReveal {
  private scheduled = false;
  private running = false;
  private destroyed = false;

  constructor(private readonly host: ScoreRevealHost) {}

  /** Called by the workshop whenever it loads one of its documents. */
  roomLoaded(docName: string, room: DocRoom): void {
    if (docName === DOC_NAMES.control) {
      // Reveal, hide, and the state found at load (a restart while revealed catches up here).
      controlMaps(room.doc).reveals.observe(() => this.schedule());
      this.schedule();
    } else if (docName.startsWith(PRIVATE_DOC_PREFIX)) {
      room.doc.on('update', () => this.scheduleIfRevealed());
      this.scheduleIfRevealed();
    }
  }

  private revealed(): boolean {
    return readReveals(this.host.room(DOC_NAMES.control).doc).scoresRevealed;
  }

  private scheduleIfRevealed(): void {
    if (!this.running && this.revealed()) this.schedule();
  }

  /** Coalesces a burst of changes (a reveal loads many documents) into one board write. */
  private schedule(): void {
    if (this.scheduled || this.running || this.destroyed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.destroyed) this.sync();
    });
  }

  /** Makes the board's revealedScores equal what it should be right now. */
  sync(): void {
    this.running = true;
    try {
      const desired = this.revealed()
        ? collectScores(this.host.privateDocNames().sort().map((name) => ({ name, doc: this.host.room(name).doc })))
        : new Map<string, Score>();
      const current = boardMaps(this.host.room(DOC_NAMES.board).doc).revealedScores;
      const stale = [...current.keys()].filter((k) => !desired.has(k));
      const changed = [...desired].filter(([k, s]) => !sameScore(current.get(k), s));
      if (!stale.length && !changed.length) return;
      this.host.transact(DOC_NAMES.board, (board) => {
        const map = boardMaps(board).revealedScores;
        for (const k of stale) map.delete(k);
        for (const [k, s] of changed) map.set(k, s);
      });
    } finally {
      this.running = false;
    }
  }

  destroy(): void {
    this.destroyed = true;
  }
}
