// Blind scores, revealed by the server. Each person scores in their own private document
// (`private/<personId>`, server/people.ts), which nobody else can open. The server reads every
// private document of the workshop and keeps three server-only board maps in step with them:
// - `ballots`, always: per person in the roster, how many initiatives they have scored and whether
//   the facilitator set the ballot aside (never the scores), so the room sees who is done and the
//   facilitator sees "N ballots from M people";
// - `revealedScores`, once the facilitator reveals: per initiative, how many people gave each value
//   (a tally: the mean, spread and disagreement follow from it, who gave what does not);
// - `namedScores`, only after a named reveal: each person's scores with their name.
// Hiding again clears the last two. Later score changes, late joiners and restarts catch up.
//
// The private documents are client-written, so everything read from them is validated: ids must
// look like ids, scores must be whole numbers 1–5 (anything else counts as missing). Whose ballot
// it is comes from the document's name, which the server chose, never from what the client wrote.
import type * as Y from 'yjs';
import { DOC_NAMES, PRIVATE_DOC_PREFIX } from '../shared/constants.js';
import { boardMaps, controlMaps, privateMaps, readReveals, type BallotSummary, type NamedScore, type Score, type ScoreTally } from '../shared/schema.js';
import { isValidScore, tallyScores } from '../shared/ranking.js';
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

/** What the board should hold about the blind scores right now (see ScoreReveal.sync). */
export interface RevealState {
  tallies: Map<string, ScoreTally>;
  named: Map<string, NamedScore>;
  ballots: Map<string, BallotSummary>;
}

/**
 * The ballots, tallies and (after a named reveal) named scores, from every person's scores. A
 * ballot counts only if its person is in the roster (joined under a name the room can see) and the
 * facilitator has not set it aside; only scores of initiatives still on the board count.
 */
export function revealState(args: {
  scores: Iterable<Score>;
  roster: ReadonlyMap<string, { name: string }>;
  initiativeIds: ReadonlySet<string>;
  discarded: ReadonlySet<string>;
  revealed: boolean;
  namedReveal: boolean;
}): RevealState {
  const ballots = new Map<string, BallotSummary>();
  const counted: Score[] = [];
  for (const s of args.scores) {
    const person = args.roster.get(s.participantId);
    if (!person || !args.initiativeIds.has(s.initiativeId)) continue;
    const discarded = args.discarded.has(s.participantId);
    const ballot = ballots.get(s.participantId) ?? { personId: s.participantId, name: person.name, scored: 0, discarded };
    if (s.roi !== null && s.urgency !== null) ballot.scored++;
    ballots.set(s.participantId, ballot);
    if (!discarded) counted.push(s);
  }
  const tallies = args.revealed ? tallyScores(counted) : new Map<string, ScoreTally>();
  const named = new Map<string, NamedScore>();
  if (args.revealed && args.namedReveal) {
    for (const s of counted) named.set(scoreKey(s), { ...s, name: args.roster.get(s.participantId)!.name });
  }
  return { tallies, named, ballots };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Makes `map` hold exactly `desired` (deletes the rest); writes only what differs. */
function syncMap<T>(map: Y.Map<T>, desired: Map<string, T>): void {
  for (const key of [...map.keys()]) if (!desired.has(key)) map.delete(key);
  for (const [key, value] of desired) if (!same(map.get(key), value)) map.set(key, value);
}

function mapDiffers<T>(map: Y.Map<T>, desired: Map<string, T>): boolean {
  if (map.size !== desired.size) return true;
  for (const [key, value] of desired) if (!same(map.get(key), value)) return true;
  return false;
}

export class ScoreReveal {
  private scheduled = false;
  private running = false;
  private destroyed = false;

  constructor(private readonly host: ScoreRevealHost) {}

  /** Called by the workshop whenever it loads one of its documents. */
  roomLoaded(docName: string, room: DocRoom): void {
    if (docName === DOC_NAMES.control) {
      // Reveal, hide, named or not, ballots set aside; and the state found at load (a restart while
      // revealed catches up here).
      controlMaps(room.doc).reveals.observe(() => this.schedule());
      this.schedule();
    } else if (docName === DOC_NAMES.board) {
      // Ballots follow the roster (names) and the initiatives (what there is to score).
      const { roster, initiatives } = boardMaps(room.doc);
      roster.observe(() => this.schedule());
      initiatives.observe(() => this.schedule());
      this.schedule();
    } else if (docName.startsWith(PRIVATE_DOC_PREFIX)) {
      room.doc.on('update', () => this.schedule());
      this.schedule();
    }
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

  /** Makes the board's ballots, revealed tallies and named scores what they should be right now. */
  sync(): void {
    this.running = true;
    try {
      const reveals = readReveals(this.host.room(DOC_NAMES.control).doc);
      const board = this.host.room(DOC_NAMES.board).doc;
      const maps = boardMaps(board);
      const docs = this.host.privateDocNames().sort().map((name) => ({ name, doc: this.host.room(name).doc }));
      const desired = revealState({
        scores: collectScores(docs).values(),
        roster: new Map([...maps.roster.entries()].map(([id, e]) => [id, { name: typeof e?.name === 'string' ? e.name : '' }])),
        initiativeIds: new Set(maps.initiatives.keys()),
        discarded: new Set(reveals.discardedBallots),
        revealed: reveals.scoresRevealed,
        namedReveal: reveals.namedReveal,
      });
      const dirty =
        mapDiffers(maps.revealedScores, desired.tallies) || mapDiffers(maps.namedScores, desired.named) || mapDiffers(maps.ballots, desired.ballots);
      if (!dirty) return;
      this.host.transact(DOC_NAMES.board, (doc) => {
        const target = boardMaps(doc);
        syncMap(target.revealedScores, desired.tallies);
        syncMap(target.namedScores, desired.named);
        syncMap(target.ballots, desired.ballots);
      });
    } finally {
      this.running = false;
    }
  }

  destroy(): void {
    this.destroyed = true;
  }
}
