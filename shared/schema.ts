// The Yjs document layout and its typed accessors. This is the ONLY module that calls
// doc.getMap()/getArray(): everything else goes through the functions here, so the layout can
// change in one place.
//
// A workshop has two documents (see DOC_NAMES):
//   board   – written by participants and facilitators: notes, impacts, initiatives, decisions,
//             metrics; plus two maps only the server writes: revealed scores and the roster.
//   control – written by facilitators only (the server enforces it): settings, the stage engine
//             state, reveal flags and the facilitator's ranking order.
import * as Y from 'yjs';
import { APPROACHES, PHASES, THRESHOLD_KINDS } from './constants.js';
import { MAX_UNIT_LENGTH, clampGrowth } from './limits.js';
import type { GrowthModel } from './forecast.js';
import { DEFAULT_OFF_PLAN_TOLERANCE, isCheckInDate, isCheckInValue, isOffPlanTolerance } from './checkins.js';
import type {
  Approach,
  ImpactCategory,
  Lane,
  Phase,
  Role,
  TemplateKey,
  ThresholdKind,
} from './constants.js';
import { clipUnits } from './commands/text.js';

// ---------------------------------------------------------------------------------------------
// Plain value types (what snapshots and the decision log hold)

export interface Threshold {
  kind: ThresholdKind;
  value: number | null;
  unit: string;
  text: string;
}

export interface Author {
  id: string;
  name: string;
  color: string;
}

export interface Note {
  id: string;
  lane: Lane;
  /** Fractional index (see `fractional-indexing`); notes in a lane sort by it, then by id. */
  order: string;
  text: string;
  /** The first author; merged notes credit the others in `coAuthors`. */
  author: Author;
  coAuthors: Author[];
  threshold: Threshold | null;
  createdAt: number;
}

export interface Impact {
  id: string;
  noteId: string;
  category: ImpactCategory;
  magnitude: number;
  evidence: string;
}

export interface Initiative {
  id: string;
  title: string;
  bottleneckIds: string[];
  createdAt: number;
  /** Set when carried over from a previous workshop's decision in a follow-up's Review: where it came from. */
  carriedFrom?: string;
}

export interface Decision {
  initiativeId: string;
  approach: Approach | null;
  rationale: string;
  phase: Phase | null;
  dri: string | null;
}

export interface Metric {
  id: string;
  initiativeId: string;
  name: string;
  baseline: string;
  target: string;
  due: string;
  /** Tagged as an observability metric (counts for the Ship-It checklist). */
  observability: boolean;
}

/** A value recorded for a metric at a date, after the workshop (SPEC 8). */
export interface CheckIn {
  id: string;
  metricId: string;
  value: number;
  /** `YYYY-MM-DD`. */
  at: string;
  /** Person id of who recorded it. */
  by: string;
  createdAt: number;
}

/** A follow-up's copy of a metric of its previous workshop (SPEC 8): ids kept, so check-ins go on. */
export interface PreviousMetric {
  id: string;
  name: string;
  baseline: string;
  target: string;
  due: string;
  observability: boolean;
}

/** A follow-up's copy of one decision of its previous workshop, as it stood when the follow-up began. */
export interface PreviousDecision {
  /** The previous workshop's initiative id (a review record is keyed by it). */
  id: string;
  rank: number;
  initiative: string;
  approach: Approach | null;
  rationale: string;
  phase: Phase | null;
  dri: string | null;
  metrics: PreviousMetric[];
}

/**
 * What a follow-up knows of the workshop it follows: written once by the server when the follow-up
 * is created (server/followUp.ts), so the follow-up never needs the previous workshop's tokens.
 */
export interface PreviousWorkshop {
  id: string;
  title: string;
  /** The previous workshop's date (ms): where the plan of its metrics starts. */
  createdAt: number;
  decisions: PreviousDecision[];
  /** The previous workshop's check-ins of these metrics, up to the follow-up's creation. */
  checkIns: CheckIn[];
}

/** The Review of one previous decision in a follow-up: a status (see shared/followUp.ts) and a comment. */
export interface Review {
  decisionId: string;
  /** As stored: shared/followUp.ts reviewStatusOf reads it (an unknown value is unset). */
  status: string;
  comment: string;
}

export interface Score {
  initiativeId: string;
  participantId: string;
  roi: number | null;
  urgency: number | null;
}

/**
 * What the board shows of one initiative's blind scores once they are revealed: how many people
 * gave each value (index 0 is a score of 1), never who gave which.
 */
export interface ScoreTally {
  initiativeId: string;
  roi: number[];
  urgency: number[];
  /** People who scored this initiative on at least one axis. */
  scorers: number;
}

/** One person's scores, on the board only when the facilitator chose a named reveal. */
export interface NamedScore extends Score {
  name: string;
}

/** A ballot as everyone may see it before the reveal: whose it is and how far along, never the scores. */
export interface BallotSummary {
  personId: string;
  name: string;
  /** Initiatives this person has given both scores. */
  scored: number;
  /** The facilitator set this ballot aside: it does not count. */
  discarded: boolean;
}

export interface RosterEntry {
  id: string;
  name: string;
  role: Role;
  color: string;
  firstSeen: number;
}

export interface Settings {
  title: string;
  template: TemplateKey;
  createdAt: number;
  silentWriting: boolean;
  anonymous: boolean;
  locked: boolean;
  topN: number;
  autoAdvance: boolean;
  /** A short sound on the room screen when the stage's time runs out (off by default). */
  endSound: boolean;
  /** Percent a metric check-in may be off its plan before it is flagged Off plan (SPEC 8). */
  offPlanTolerance: number;
}

export interface Reveals {
  /** Bumped each time the facilitator reveals silently written notes. */
  notesRevealSeq: number;
  scoresRevealed: boolean;
  /** The reveal shows who gave which score (off: only tallies). */
  namedReveal: boolean;
  /** Person ids whose ballots the facilitator set aside. */
  discardedBallots: string[];
}

// ---------------------------------------------------------------------------------------------
// Board document accessors

export type YRecord = Y.Map<unknown>;

export const boardMaps = (doc: Y.Doc) => ({
  notes: doc.getMap<YRecord>('notes'),
  impacts: doc.getMap<YRecord>('impacts'),
  initiatives: doc.getMap<YRecord>('initiatives'),
  decisions: doc.getMap<YRecord>('decisions'),
  metrics: doc.getMap<YRecord>('metrics'),
  /** Growth scenarios (SPEC 7): one record per threshold kind (key: the kind). */
  scenarios: doc.getMap<YRecord>('scenarios'),
  /** Metric check-ins (SPEC 8): one record per check-in (key: its id). */
  checkIns: doc.getMap<YRecord>('checkIns'),
  /** A follow-up's Review (SPEC 8): one record per previous decision (key: its id), status and comment. */
  reviews: doc.getMap<YRecord>('reviews'),
  /** Written by the server only, once, when a follow-up is created: key `workshop`, a PreviousWorkshop. */
  previous: doc.getMap<unknown>('previous'),
  /** Written by the server only, when the facilitator reveals scores: one tally per initiative (key: its id). */
  revealedScores: doc.getMap<ScoreTally>('revealedScores'),
  /** Written by the server only, after a named reveal: each person's scores. Key `${initiative}/${person}`. */
  namedScores: doc.getMap<NamedScore>('namedScores'),
  /** Written by the server only: each person's ballot (progress, never scores). Key: person id. */
  ballots: doc.getMap<BallotSummary>('ballots'),
  /** Written by the server only: everyone who has joined, for the decision log. */
  roster: doc.getMap<RosterEntry>('roster'),
});

/** Names of board maps that only the server may write (clients' writes to them are refused). */
export const SERVER_ONLY_BOARD_MAPS = ['revealedScores', 'namedScores', 'ballots', 'roster', 'previous'] as const;

/**
 * Every root type of each kind of document, by who may write it. The server reverts a client's
 * write that touches any other root (a made-up root would otherwise be stored and sent to every
 * late joiner) or a server-only one. Add a root here when the layout grows.
 */
export const DOC_ROOTS = {
  board: { client: ['notes', 'impacts', 'initiatives', 'decisions', 'metrics', 'noteMerges', 'scenarios', 'checkIns', 'reviews'], server: SERVER_ONLY_BOARD_MAPS },
  control: { client: ['settings', 'engine', 'reveals', 'ranking'], server: [] },
  private: { client: ['scores', 'profile'], server: [] },
} as const satisfies Record<string, { client: readonly string[]; server: readonly string[] }>;
export type DocKind = keyof typeof DOC_ROOTS;

/** Board roots whose every value is a record (a Y.Map); the server refuses anything else in them. */
export const RECORD_ROOTS = ['notes', 'impacts', 'initiatives', 'decisions', 'metrics', 'scenarios', 'checkIns', 'reviews'] as const;

/** The records of a record root, skipping any value that is not one (stored before the server refused them). */
export const recordsOf = (m: Y.Map<YRecord>): YRecord[] => [...m.values()].filter((v): v is YRecord => v instanceof Y.Map);

/** The author a note carries while the workshop is anonymous: no identity at all. */
export const ANONYMOUS_AUTHOR: Author = { id: '', name: '', color: '#888888' };
export const isAnonymousAuthor = (a: unknown): boolean => {
  const v = (a ?? {}) as Partial<Author>;
  return !v.id && !v.name;
};

/** A participant's private document: their blind scores, keyed `${initiativeId}`. */
export const privateMaps = (doc: Y.Doc) => ({
  scores: doc.getMap<{ roi: number | null; urgency: number | null }>('scores'),
  profile: doc.getMap<unknown>('profile'),
});

// ---------------------------------------------------------------------------------------------
// Control document accessors

export const controlMaps = (doc: Y.Doc) => ({
  settings: doc.getMap<unknown>('settings'),
  /** Key `state`: the stage engine state (see stages.ts), replaced whole on each change. */
  engine: doc.getMap<unknown>('engine'),
  reveals: doc.getMap<unknown>('reveals'),
  /** Key `order`: the facilitator's manual ranking (initiative ids), or absent. */
  ranking: doc.getMap<unknown>('ranking'),
});

// ---------------------------------------------------------------------------------------------
// Readers: Y types -> plain values. Used by snapshots, the decision log and tests.

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback: number | null = null): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const bool = (v: unknown, fallback = false): boolean => (typeof v === 'boolean' ? v : fallback);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const textOf = (v: unknown): string => (v instanceof Y.Text ? v.toString() : str(v));

function authorOf(v: unknown): Author {
  const a = (v ?? {}) as Partial<Author>;
  return { id: str(a.id), name: str(a.name), color: str(a.color, '#888888') };
}

export function readNote(m: YRecord): Note {
  const coAuthors = m.get('coAuthors');
  return {
    id: str(m.get('id')),
    lane: str(m.get('lane'), 'product') as Lane,
    order: str(m.get('order'), 'a0'),
    text: textOf(m.get('text')),
    author: authorOf(m.get('author')),
    coAuthors: Array.isArray(coAuthors) ? coAuthors.map(authorOf) : [],
    threshold: (m.get('threshold') as Threshold | null | undefined) ?? null,
    createdAt: num(m.get('createdAt'), 0) as number,
  };
}

export function readImpact(m: YRecord): Impact {
  return {
    id: str(m.get('id')),
    noteId: str(m.get('noteId')),
    category: str(m.get('category'), 'revenue') as ImpactCategory,
    magnitude: num(m.get('magnitude'), 1) as number,
    evidence: str(m.get('evidence')),
  };
}

export function readInitiative(m: YRecord): Initiative {
  const ids = m.get('bottleneckIds');
  const carriedFrom = str(m.get('carriedFrom'));
  return {
    id: str(m.get('id')),
    title: textOf(m.get('title')),
    bottleneckIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
    createdAt: num(m.get('createdAt'), 0) as number,
    ...(carriedFrom ? { carriedFrom } : {}),
  };
}

// Participants write the board, so readers accept only known values: a misbehaving client can
// make a field read as unset, never crash a view or an export.
const oneOf = <T extends string>(v: unknown, allowed: readonly { key: T }[]): T | null =>
  typeof v === 'string' && allowed.some((a) => a.key === v) ? (v as T) : null;

export function readDecision(initiativeId: string, value: YRecord | undefined): Decision {
  const m = value instanceof Y.Map ? value : undefined;
  const dri = m?.get('dri');
  return {
    initiativeId,
    approach: oneOf<Approach>(m?.get('approach'), APPROACHES),
    rationale: textOf(m?.get('rationale')),
    phase: oneOf<Phase>(m?.get('phase'), PHASES),
    dri: typeof dri === 'string' && dri.trim() ? dri : null,
  };
}

export function readMetric(m: YRecord): Metric {
  return {
    id: str(m.get('id')),
    initiativeId: str(m.get('initiativeId')),
    name: str(m.get('name')),
    baseline: str(m.get('baseline')),
    target: str(m.get('target')),
    due: str(m.get('due')),
    observability: bool(m.get('observability')),
  };
}

export function readCheckIn(m: YRecord): CheckIn {
  const value = m.get('value');
  const at = m.get('at');
  return {
    id: str(m.get('id')),
    metricId: str(m.get('metricId')),
    value: isCheckInValue(value) ? value : NaN,
    at: isCheckInDate(at) ? at : '',
    by: str(m.get('by')),
    createdAt: num(m.get('createdAt'), 0) as number,
  };
}

export function readReview(decisionId: string, m: YRecord): Review {
  return { decisionId, status: str(m.get('status')), comment: textOf(m.get('comment')) };
}

/** A follow-up's previous workshop as the server wrote it, or null (not a follow-up). Read defensively. */
export function readPrevious(doc: Y.Doc): PreviousWorkshop | null {
  const v = boardMaps(doc).previous.get('workshop') as Partial<PreviousWorkshop> | undefined;
  if (!v || typeof v !== 'object' || typeof v.id !== 'string') return null;
  return {
    id: v.id,
    title: str(v.title),
    createdAt: num(v.createdAt, 0) as number,
    decisions: Array.isArray(v.decisions) ? v.decisions : [],
    checkIns: Array.isArray(v.checkIns) ? v.checkIns : [],
  };
}

/** Check-ins with a real value and date (a record a client mangled is left out). */
export const validCheckIns = (all: CheckIn[]): CheckIn[] => all.filter((c) => c.id !== '' && c.at !== '' && isCheckInValue(c.value));

export function readSettings(doc: Y.Doc): Settings {
  const s = controlMaps(doc).settings;
  return {
    title: str(s.get('title')),
    template: str(s.get('template'), 'scaleup') as TemplateKey,
    createdAt: num(s.get('createdAt'), 0) as number,
    silentWriting: bool(s.get('silentWriting')),
    anonymous: bool(s.get('anonymous')),
    locked: bool(s.get('locked')),
    topN: num(s.get('topN'), 3) as number,
    autoAdvance: bool(s.get('autoAdvance')),
    endSound: bool(s.get('endSound')),
    offPlanTolerance: isOffPlanTolerance(s.get('offPlanTolerance')) ? (s.get('offPlanTolerance') as number) : DEFAULT_OFF_PLAN_TOLERANCE,
  };
}

export function readReveals(doc: Y.Doc): Reveals {
  const r = controlMaps(doc).reveals;
  return {
    notesRevealSeq: num(r.get('notesRevealSeq'), 0) as number,
    scoresRevealed: bool(r.get('scoresRevealed')),
    namedReveal: bool(r.get('namedReveal')),
    discardedBallots: strings(r.get('discardedBallots')),
  };
}

export function readRankingOrder(doc: Y.Doc): string[] | null {
  const order = controlMaps(doc).ranking.get('order');
  return Array.isArray(order) ? order.filter((x): x is string => typeof x === 'string') : null;
}

const isCountList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length === 5 && v.every((n) => Number.isInteger(n) && n >= 0);

/** A tally as stored, or null if it is not one (the server writes them; readers stay defensive). */
export function readTally(v: unknown): ScoreTally | null {
  const t = v as Partial<ScoreTally> | null;
  if (!t || typeof t.initiativeId !== 'string' || !isCountList(t.roi) || !isCountList(t.urgency)) return null;
  return { initiativeId: t.initiativeId, roi: t.roi, urgency: t.urgency, scorers: typeof t.scorers === 'number' ? t.scorers : 0 };
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const orNull = <T, R>(v: T | null, f: (v: T) => R): R | null => (v === null ? null : f(v));

/**
 * Every kind's growth model in the fixed order of THRESHOLD_KINDS (blank where nobody has said).
 * Read as setScenarioField writes them (current at least 0, growth within GROWTH_RANGE, the unit
 * within its length) whatever a hand-made update stored, so the log always meets its schema.
 */
export function readScenarios(doc: Y.Doc): GrowthModel[] {
  const records = boardMaps(doc).scenarios;
  return THRESHOLD_KINDS.map(({ key }) => {
    const r = records.get(key);
    const get = (f: string): unknown => (r instanceof Y.Map ? r.get(f) : undefined);
    const unit = get('unit');
    return {
      kind: key,
      current: orNull(finite(get('current')), (n) => Math.max(0, n)),
      unit: typeof unit === 'string' ? clipUnits(unit, MAX_UNIT_LENGTH) : '',
      growth: {
        conservative: orNull(finite(get('conservative')), clampGrowth),
        realistic: orNull(finite(get('realistic')), clampGrowth),
        optimistic: orNull(finite(get('optimistic')), clampGrowth),
      },
    };
  });
}

export interface BoardSnapshot {
  notes: Note[];
  impacts: Impact[];
  initiatives: Initiative[];
  decisions: Record<string, Decision>;
  metrics: Metric[];
  revealedScores: ScoreTally[];
  namedScores: NamedScore[];
  ballots: BallotSummary[];
  roster: RosterEntry[];
  /** Growth models per threshold kind, all four, in THRESHOLD_KINDS order. */
  scenarios: GrowthModel[];
  /** Metric check-ins with a valid value and date (SPEC 8). */
  checkIns: CheckIn[];
  /** A follow-up's previous workshop (SPEC 8), or null. */
  previous: PreviousWorkshop | null;
  /** A follow-up's Review, by previous decision id. */
  reviews: Record<string, Review>;
}

/** Notes in display order: by lane order key, then id (ties from concurrent inserts). */
export const compareNotes = (a: Note, b: Note): number =>
  a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export function readBoard(doc: Y.Doc): BoardSnapshot {
  const maps = boardMaps(doc);
  const notes = recordsOf(maps.notes).map(readNote).sort(compareNotes);
  const initiatives = recordsOf(maps.initiatives)
    .map(readInitiative)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const decisions: Record<string, Decision> = {};
  for (const i of initiatives) decisions[i.id] = readDecision(i.id, maps.decisions.get(i.id));
  return {
    notes,
    impacts: recordsOf(maps.impacts).map(readImpact),
    initiatives,
    decisions,
    metrics: recordsOf(maps.metrics).map(readMetric),
    revealedScores: [...maps.revealedScores.values()].map(readTally).filter((t): t is ScoreTally => t !== null),
    namedScores: [...maps.namedScores.values()],
    ballots: [...maps.ballots.values()],
    scenarios: readScenarios(doc),
    checkIns: validCheckIns(recordsOf(maps.checkIns).map(readCheckIn)),
    roster: [...maps.roster.values()],
    previous: readPrevious(doc),
    reviews: Object.fromEntries([...maps.reviews.entries()].filter(([, m]) => m instanceof Y.Map).map(([id, m]) => [id, readReview(id, m)])),
  };
}

/** Initialise a new workshop's control document. Called once, by the server, at creation. */
export function initControl(
  doc: Y.Doc,
  args: { title: string; template: TemplateKey; createdAt: number },
  engineState: unknown,
): void {
  doc.transact(() => {
    const { settings, engine, reveals } = controlMaps(doc);
    settings.set('title', args.title);
    settings.set('template', args.template);
    settings.set('createdAt', args.createdAt);
    settings.set('silentWriting', false);
    settings.set('anonymous', false);
    settings.set('locked', false);
    settings.set('topN', 3);
    settings.set('autoAdvance', false);
    engine.set('state', engineState);
    reveals.set('notesRevealSeq', 0);
    reveals.set('scoresRevealed', false);
  }, 'server');
}

/**
 * Index of the current stage in this workshop's own sequence from the control document's engine
 * state: 0–4, or 0–5 in a follow-up, whose stage 0 is Review (stages.ts readCurrentStageKey says which).
 */
export function readCurrentStage(doc: Y.Doc): number {
  const state = controlMaps(doc).engine.get('state') as { current?: unknown; stages?: unknown } | undefined;
  const current = typeof state?.current === 'number' ? state.current : 0;
  const followUp = Array.isArray(state?.stages) && state.stages.some((s) => (s as { key?: unknown } | null)?.key === 'review');
  return Math.min(followUp ? 5 : 4, Math.max(0, Math.floor(current)));
}

// ---------------------------------------------------------------------------------------------
// Note merges (issue 4). One plain-value entry per merge, keyed `${sourceId}>${targetId}>${nonce}`: what
// the dropped note was, and where its text went in the target. It lets every client detect and
// repair the rare concurrent cases (two people merging two notes into each other, a merge into a
// note someone deleted meanwhile) so that no note is lost or duplicated. See commands/notes.ts.

export const noteMergeMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>('noteMerges');
