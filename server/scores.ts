// Blind scores, revealed by the server. Each participant scores in their own private document
// (`private/<secret>`), which no other participant can open. When the facilitator sets
// reveals.scoresRevealed in the control document, the server reads every private document of the
// workshop and writes the scores into the board's server-only `revealedScores` map
// (key `${initiativeId}/${participantId}`); while revealed it keeps that map in step with later
// score changes, late joiners' private documents included. Hiding again clears the map.
//
// The private documents are client-written, so everything read from them is validated: ids must
// look like ids, scores must be whole numbers 1–5 (anything else counts as missing), a document
// without a participant id contributes nothing, and the secret itself is never written anywhere.
import { createHash } from 'node:crypto';
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
 * result). Identities are claimed by clients (invite links are shared, so there is no stronger
 * one): if two documents claim the same participant id, both ballots are kept under ids made
 * distinct with a hash of the document name, so nobody can overwrite someone else's scores.
 */
export function collectScores(privateDocs: { name: string; doc: Y.Doc }[]): Map<string, Score> {
  const claimed = new Map<string, number>();
  const owners = privateDocs.map(({ name, doc }) => {
    const id = privateMaps(doc).profile.get('participantId');
    const valid = typeof id === 'string' && ID.test(id) ? id : null;
    if (valid) claimed.set(valid, (claimed.get(valid) ?? 0) + 1);
    return { name, doc, id: valid };
  });
  const out = new Map<string, Score>();
  for (const { name, doc, id } of owners) {
    if (!id) continue;
    const participantId = claimed.get(id)! > 1 ? `${id}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}` : id;
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
