// The workshop's history (SPEC 8), as pure functions: from what one accepted change did to the
// records of the board or the control document (each record's value before and after, as JSON)
// to the sentence that says it ("Alice added a Platform note: “…”"), and from the recorded
// changes to what a restore or a rollback must write. The server records (server/history/); the
// sentences are derived there from the transactions it applied, never written by a client.
import { APPROACHES, IMPACT_CATEGORIES, LANES, PHASES, STAGES, THRESHOLD_KINDS, type Role } from './constants.js';
import { REVIEW_STAGE } from './stages.js';
import { DOC_ROOTS } from './schema.js';
import { REVIEW_STATUSES } from './followUp.js';
import { clipUnits } from './commands/text.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Which document an entry is about. Private documents (ballots) never record a value. */
export type HistoryDoc = 'board' | 'control' | 'private';
/** A plain change, a restore of deleted records, or a rollback to a point in time. */
export type HistoryKind = 'change' | 'restore' | 'rollback';

/** One record of a root map, before and after a change; null where it did not exist. */
export interface RecordChange {
  root: string;
  key: string;
  before: Json;
  after: Json;
}

/** Who made a change: the joined person (server-issued id), the server itself, or a role's API token. */
export interface Actor {
  id: string;
  name: string;
  role: Role | 'server';
}

/** The recorded entry as the API and the log show it (what restore needs stays on the server). */
export interface HistoryEntryView {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  person: Actor;
  /** The stage's key at the time of the change. */
  stage: string;
  doc: HistoryDoc;
  kind: HistoryKind;
  text: string;
  /** It deleted records of the board that a restore can bring back. */
  restorable: boolean;
}

/** GET /api/workshops/:id/history: entries newest first, and who and which stages appear at all (for the filters). */
export interface HistoryAnswer {
  entries: HistoryEntryView[];
  people: Actor[];
  stages: string[];
  /** The newest entry's number whatever the filters (0: none): the board is as it was after it, so no rollback to it. */
  latest: number;
}

/** Who a participant's note change is said to be by in an anonymous workshop. */
export const ANONYMOUS_ACTOR: Actor = { id: '', name: 'Someone', role: 'participant' };

/** Whether an entry would name the author of a note (a participant's change of notes): anonymous mode hides that. */
export const namesNoteAuthor = (e: { actor: Actor; doc: HistoryDoc; changes: RecordChange[] }): boolean =>
  e.actor.role === 'participant' && e.actor.id !== '' && e.doc === 'board' && e.changes.some((c) => c.root === 'notes' || c.root === 'noteMerges');

/**
 * The entries as anyone may read them, oldest first: a participant's note change made before
 * anonymous mode was last turned on (or while it is on) names nobody, as the board, which clears
 * the authors for good when it is turned on, no longer does either. Entries made while it was on
 * were recorded as "Someone" already.
 */
export function withAnonymity<E extends { seq: number; actor: Actor; doc: HistoryDoc; text: string; changes: RecordChange[] }>(entries: E[], anonymousNow: boolean): E[] {
  const cutoff = anonymousNow ? Infinity : lastTurnedAnonymous(entries);
  return entries.map((e) =>
    e.seq < cutoff && namesNoteAuthor(e)
      ? { ...e, actor: ANONYMOUS_ACTOR, text: e.text.startsWith(`${e.actor.name} `) ? `${ANONYMOUS_ACTOR.name} ${e.text.slice(e.actor.name.length + 1)}` : `${ANONYMOUS_ACTOR.name} changed a note` }
      : e,
  );
}

/** The number of the last entry that turned anonymous mode on (0: never): note authors from before it are forgotten. */
export function lastTurnedAnonymous(entries: { seq: number; doc: HistoryDoc; changes: RecordChange[] }[]): number {
  let last = 0;
  for (const e of entries) {
    if (e.doc === 'control' && e.changes.some((c) => c.root === 'settings' && c.key === 'anonymous' && c.after === true)) last = Math.max(last, e.seq);
  }
  return last;
}

/** Board roots whose records the history keeps (before/after values) and a rollback writes: every root clients write. */
export const HISTORY_BOARD_ROOTS: readonly string[] = DOC_ROOTS.board.client;
export const HISTORY_CONTROL_ROOTS = ['settings', 'engine', 'reveals', 'ranking'] as const;
/** Roots whose deleted records `Restore` brings back (a merge record is bookkeeping, not a thing people delete). */
export const RESTORABLE_ROOTS: readonly string[] = ['notes', 'impacts', 'initiatives', 'decisions', 'metrics', 'checkIns', 'scenarios'];
/** Fields that live as Y.Text inside their record (written back as Y.Text). */
export const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = { notes: ['text'], initiatives: ['title'], decisions: ['rationale'] };

/** JSON with its object keys sorted, so two equal values compare equal whatever order they were written in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  ) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// Sentences

/** Names the sentences need from the board as it is after the change (deleted things come from `before`). */
export interface HistoryNames {
  /** Position (1-based, by creation) and title of an initiative. */
  initiative(id: string): { number: number; title: string } | null;
  noteText(id: string): string | null;
  metricName(id: string): string | null;
  personName(id: string): string | null;
  /** A follow-up's previous decision (its initiative's title), by the previous initiative id. */
  previousDecision?(id: string): string | null;
}

const MAX_QUOTE = 80;
const quote = (s: string): string => {
  const one = s.replace(/\s+/g, ' ').trim();
  return `“${one.length > MAX_QUOTE ? clipUnits(one, MAX_QUOTE - 1) + '…' : one}”`;
};
const obj = (v: Json): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const title = <K extends string>(list: readonly { key: K; title: string }[], key: Json | undefined): string =>
  list.find((x) => x.key === key)?.title ?? String(key ?? '');
const same = (a: Json | undefined, b: Json | undefined): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const onOff = (v: Json | undefined): string => (v === true ? 'on' : 'off');

const laneTitle = (lane: Json | undefined): string => (lane === 'org' ? 'Org' : title(LANES, lane));
/** "a Platform", "an Org", "an Impact …". */
const a = (word: string): string => `${/^[aeiouAEIOU]/.test(word) ? 'an' : 'a'} ${word}`;

function initiativeLabel(id: string, names: HistoryNames, fallbackTitle = ''): string {
  const i = names.initiative(id);
  if (i) return `#${i.number} ${quote(i.title)}`;
  return fallbackTitle ? quote(fallbackTitle) : 'a deleted initiative';
}

function thresholdText(t: Json | undefined): string {
  const v = obj(t ?? null);
  if (text(v.text).trim()) return text(v.text).trim();
  if (typeof v.value === 'number') return `${v.value}${text(v.unit) ? ' ' + text(v.unit) : ''}`;
  return title(THRESHOLD_KINDS, v.kind);
}

/** The phrases (each after the person's name) for one record's change; none when it says nothing to a person. */
function boardPhrases(c: RecordChange, names: HistoryNames, all: RecordChange[]): string[] {
  const before = c.before === null ? null : obj(c.before);
  const after = c.after === null ? null : obj(c.after);
  const rec = (after ?? before)!;
  switch (c.root) {
    case 'notes': {
      const lane = laneTitle(rec.lane);
      if (!before) return [`added ${a(lane)} note: ${quote(text(rec.text))}`];
      if (!after) {
        // A note merged away: the merge says it.
        if (all.some((m) => m.root === 'noteMerges' && m.before === null && text(obj(m.after).source) === c.key)) return [];
        return [`deleted ${a(lane)} note: ${quote(text(before.text))}`];
      }
      const out: string[] = [];
      if (!same(before.lane, after.lane)) out.push(`moved a note to ${lane}: ${quote(text(after.text))}`);
      if (!same(before.text, after.text)) {
        const mergedInto = all.some((m) => m.root === 'noteMerges' && m.before === null && text(obj(m.after).into) === c.key);
        if (!mergedInto) out.push(`edited ${a(lane)} note: ${quote(text(after.text))}`);
      }
      if (!same(before.threshold, after.threshold)) {
        out.push(after.threshold ? `set the threshold of a note to ${thresholdText(after.threshold)}: ${quote(text(after.text))}` : `cleared the threshold of a note: ${quote(text(after.text))}`);
      }
      if (!out.length && same(before.lane, after.lane) && !same(before.order, after.order)) out.push(`reordered ${a(lane)} note: ${quote(text(after.text))}`);
      return out;
    }
    case 'noteMerges': {
      if (before || !after) return [];
      const source = obj(after.note ?? null);
      const into = names.noteText(text(after.into));
      return [`merged the note ${quote(text(source.text))} into ${into !== null ? quote(into) : 'another'}`];
    }
    case 'impacts': {
      const category = title(IMPACT_CATEGORIES, rec.category);
      const note = names.noteText(text(rec.noteId));
      const on = note !== null ? ` on ${quote(note)}` : '';
      if (!before) return [`added ${a(category)} impact (${rec.magnitude ?? 1})${on}`];
      if (!after) return [`deleted ${a(category)} impact${on}`];
      const parts: string[] = [];
      if (!same(before.category, after.category)) parts.push(`category ${title(IMPACT_CATEGORIES, before.category)} → ${category}`);
      if (!same(before.magnitude, after.magnitude)) parts.push(`magnitude ${before.magnitude} → ${after.magnitude}`);
      if (!same(before.evidence, after.evidence)) parts.push(`evidence ${quote(text(after.evidence))}`);
      return parts.length ? [`changed ${a(category)} impact${on}: ${parts.join(', ')}`] : [];
    }
    case 'initiatives': {
      if (!before) return [`created initiative ${initiativeLabel(c.key, names, text(rec.title))}`];
      if (!after) return [`deleted initiative ${quote(text(before.title))}`];
      const out: string[] = [];
      if (!same(before.title, after.title)) out.push(`renamed initiative ${quote(text(before.title))} to ${quote(text(after.title))}`);
      if (!same(before.bottleneckIds, after.bottleneckIds)) out.push(`changed the bottlenecks of ${initiativeLabel(c.key, names, text(after.title))}`);
      return out;
    }
    case 'decisions': {
      // Made and deleted with its initiative: the initiative's phrase says it.
      if (all.some((i) => i.root === 'initiatives' && i.key === c.key && (i.before === null || i.after === null))) return [];
      const label = initiativeLabel(c.key, names);
      const b = before ?? {};
      const a = after ?? {};
      const out: string[] = [];
      if (!same(b.approach, a.approach)) out.push(a.approach ? `set the approach of ${label} to ${title(APPROACHES, a.approach)}` : `cleared the approach of ${label}`);
      if (!same(b.rationale, a.rationale)) out.push(`edited the rationale of ${label}: ${quote(text(a.rationale))}`);
      if (!same(b.phase, a.phase)) out.push(a.phase ? `set the phase of ${label} to ${title(PHASES, a.phase)}` : `cleared the phase of ${label}`);
      if (!same(b.dri, a.dri)) {
        const dri = text(a.dri);
        out.push(dri.trim() ? `set the DRI of ${label} to ${names.personName(dri) ?? dri}` : `cleared the DRI of ${label}`);
      }
      if (!out.length && !after) out.push(`deleted the decision of ${label}`);
      return out;
    }
    case 'metrics': {
      const label = initiativeLabel(text(rec.initiativeId), names);
      const name = text(rec.name).trim();
      if (!before) return [`added a metric to ${label}${name ? `: ${quote(name)}` : ''}`];
      if (!after) return [`deleted the metric ${quote(name)} of ${label}`];
      const parts: string[] = [];
      for (const f of ['name', 'baseline', 'target', 'due'] as const) {
        if (!same(before[f], after[f])) parts.push(`${f} ${quote(text(after[f]))}`);
      }
      if (!same(before.observability, after.observability)) parts.push(after.observability ? 'tagged observability' : 'untagged observability');
      return parts.length ? [`changed the metric ${quote(name || text(before.name))} of ${label}: ${parts.join(', ')}`] : [];
    }
    case 'scenarios': {
      const kind = title(THRESHOLD_KINDS, c.key);
      if (!after) return [`cleared the ${kind} growth model`];
      const parts: string[] = [];
      for (const f of ['current', 'unit', 'conservative', 'realistic', 'optimistic'] as const) {
        if (!same(before?.[f], after[f])) parts.push(`${f} ${after[f] ?? '–'}`);
      }
      return parts.length ? [`changed the ${kind} growth model: ${parts.join(', ')}`] : [];
    }
    case 'reviews': {
      const title = names.previousDecision?.(c.key);
      const of = title ? ` of ${quote(title)}` : ' of a previous decision';
      if (!after) return [`cleared the review${of}`];
      const out: string[] = [];
      if (!same(before?.status, after.status)) {
        const status = REVIEW_STATUSES.find((x) => x.key === after.status)?.title;
        out.push(status ? `set the review${of} to ${status}` : `cleared the status of the review${of}`);
      }
      if (!same(before?.comment, after.comment)) out.push(`commented on the review${of}: ${quote(text(after.comment))}`);
      return out;
    }
    case 'checkIns': {
      const metric = names.metricName(text(rec.metricId));
      const of = metric !== null ? ` for the metric ${quote(metric)}` : '';
      if (!before) return [`checked in ${rec.value} on ${text(rec.at)}${of}`];
      if (!after) return [`deleted the check-in of ${text(before.at)}${of}`];
      return [`changed the check-in of ${text(after.at)}${of}`];
    }
    default:
      return [];
  }
}

/** A stage's title from its key (a follow-up's Review included). */
export const historyStageTitle = (key: string): string => [REVIEW_STAGE, ...STAGES].find((s) => s.key === key)?.title ?? key;

function stageTitle(key: Json | undefined, index: number): string {
  return typeof key === 'string' ? historyStageTitle(key) : (STAGES[index]?.title ?? String(index + 1));
}

function controlPhrases(c: RecordChange, names: HistoryNames): string[] {
  const b = c.before;
  const a = c.after;
  switch (`${c.root}.${c.key}`) {
    case 'settings.locked':
      return [a === true ? 'locked the board' : 'unlocked the board'];
    case 'settings.silentWriting':
      return [`turned silent writing ${onOff(a)}`];
    case 'settings.anonymous':
      return [`turned anonymous mode ${onOff(a)}`];
    case 'settings.autoAdvance':
      return [`turned auto-advance ${onOff(a)}`];
    case 'settings.endSound':
      return [`turned the end sound ${onOff(a)}`];
    case 'settings.topN':
      return [`set the top N to ${a}`];
    case 'settings.offPlanTolerance':
      return [`set the off-plan tolerance to ${a}%`];
    case 'settings.title':
      return [`renamed the workshop to ${quote(text(a))}`];
    case 'engine.state':
      return enginePhrases(obj(b), obj(a));
    case 'reveals.notesRevealSeq':
      return typeof a === 'number' && a > (typeof b === 'number' ? b : 0) ? ['revealed the notes'] : [];
    case 'reveals.scoresRevealed':
      return [a === true ? 'revealed scores' : 'hid the scores'];
    case 'reveals.namedReveal':
      return [`turned the named reveal ${onOff(a)}`];
    case 'reveals.discardedBallots': {
      const was = new Set(Array.isArray(b) ? b : []);
      const now = new Set(Array.isArray(a) ? a : []);
      const name = (id: Json) => names.personName(String(id)) ?? 'someone';
      return [
        ...[...now].filter((id) => !was.has(id)).map((id) => `set aside the ballot of ${name(id)}`),
        ...[...was].filter((id) => !now.has(id)).map((id) => `counted the ballot of ${name(id)} again`),
      ];
    }
    case 'ranking.order':
      return [a === null ? 'cleared the hand-made ranking' : 'reordered the ranking'];
    default:
      return [];
  }
}

function enginePhrases(b: JsonObject, a: JsonObject): string[] {
  const stagesA = Array.isArray(a.stages) ? a.stages.map(obj) : [];
  const stagesB = Array.isArray(b.stages) ? b.stages.map(obj) : [];
  const current = typeof a.current === 'number' ? a.current : 0;
  if (b.current !== a.current) return [`moved the workshop to stage ${current + 1}: ${stageTitle(stagesA[current]?.key, current)}`];
  const runA = stagesA[current] ?? {};
  const runB = stagesB[current] ?? {};
  const out: string[] = [];
  if ((runB.runningSince === null || runB.runningSince === undefined) !== (runA.runningSince === null || runA.runningSince === undefined)) {
    out.push(runA.runningSince === null || runA.runningSince === undefined ? 'paused the timer' : 'started the timer');
  }
  if (!same(runB.extraMs, runA.extraMs)) {
    const minutes = Math.round(((Number(runA.extraMs) || 0) - (Number(runB.extraMs) || 0)) / 60_000);
    if (minutes) out.push(minutes > 0 ? `added ${minutes} min to the timer` : `took ${-minutes} min off the timer`);
  }
  stagesA.forEach((s, i) => {
    if (stagesB[i] && !same(stagesB[i]!.plannedMs, s.plannedMs)) out.push(`planned ${Math.round(Number(s.plannedMs) / 60_000)} min for ${stageTitle(s.key, i)}`);
  });
  return out;
}

/** A generic phrase for a change no specific phrase describes (still recorded: restore and rollback rely on every change). */
const FALLBACK: Record<string, string> = {
  notes: 'changed a note',
  impacts: 'changed an impact',
  initiatives: 'changed an initiative',
  decisions: 'changed a decision',
  metrics: 'changed a metric',
  noteMerges: 'changed the record of a note merge',
  scenarios: 'changed a growth model',
  checkIns: 'changed a check-in',
  reviews: 'changed a review',
};

/** Most phrases an entry lists; beyond, they are counted ("deleted 12 notes"). */
const MAX_PHRASES = 4;

/**
 * The sentence for one accepted change of the board or the control document, made by `who`.
 * Null when the change says nothing (no tracked record changed).
 */
export function describeChange(who: string, doc: 'board' | 'control', changes: RecordChange[], boardNames: HistoryNames): string | null {
  if (!changes.length) return null;
  const names = withDeleted(boardNames, changes);
  let phrases = [...changes].sort(byRoot).flatMap((c) => (doc === 'board' ? boardPhrases(c, names, changes) : controlPhrases(c, names)));
  if (!phrases.length) {
    if (doc === 'control') return null;
    phrases = [...new Set(changes.map((c) => FALLBACK[c.root] ?? 'changed the board'))];
  }
  return `${who} ${summarise(phrases, changes)}`;
}

const ROOT_ORDER = ['reviews', 'notes', 'noteMerges', 'initiatives', 'decisions', 'metrics', 'impacts', 'checkIns', 'scenarios'];
const byRoot = (x: RecordChange, y: RecordChange): number => ROOT_ORDER.indexOf(x.root) - ROOT_ORDER.indexOf(y.root);

/** Names that fall back to what the change itself deleted (an impact deleted with its note still names the note). */
function withDeleted(names: HistoryNames, changes: RecordChange[]): HistoryNames {
  const gone = (root: string, id: string, field: string): string | null => {
    const c = changes.find((x) => x.root === root && x.key === id && x.before !== null);
    const v = c ? obj(c.before)[field] : undefined;
    return typeof v === 'string' ? v : null;
  };
  return {
    initiative: names.initiative,
    noteText: (id) => names.noteText(id) ?? gone('notes', id, 'text'),
    metricName: (id) => names.metricName(id) ?? gone('metrics', id, 'name'),
    personName: names.personName,
    previousDecision: names.previousDecision,
  };
}

function summarise(phrases: string[], changes: RecordChange[]): string {
  if (phrases.length <= MAX_PHRASES) return phrases.join('; ');
  const count = (root: string, gone: boolean) => changes.filter((c) => c.root === root && (gone ? c.after === null : c.before === null)).length;
  const parts: string[] = [];
  for (const [root, one, many] of [
    ['notes', 'note', 'notes'],
    ['impacts', 'impact', 'impacts'],
    ['initiatives', 'initiative', 'initiatives'],
    ['metrics', 'metric', 'metrics'],
    ['checkIns', 'check-in', 'check-ins'],
  ] as const) {
    const deleted = count(root, true);
    const added = count(root, false);
    if (deleted) parts.push(`deleted ${deleted} ${deleted === 1 ? one : many}`);
    if (added) parts.push(`added ${added} ${added === 1 ? one : many}`);
  }
  const counted = new Set(['notes', 'impacts', 'initiatives', 'metrics', 'checkIns']);
  const withInitiative = (c: RecordChange) => c.root === 'decisions' && changes.some((i) => i.root === 'initiatives' && i.key === c.key);
  const rest = changes.filter((c) => !(counted.has(c.root) && (c.before === null || c.after === null)) && c.root !== 'noteMerges' && !withInitiative(c)).length;
  return parts.length ? `${parts.join(', ')}${rest > 0 ? ` and made ${rest === 1 ? 'one other change' : 'other changes'}` : ''}` : `made ${phrases.length} changes`;
}

/** A score in a private document: who, never what (ballots stay blind, before the reveal and after). */
export const describeScoring = (who: string): string => `${who} scored`;

/** The sentence for a restore: what came back. */
export function describeRestore(who: string, restored: RecordChange[], names: HistoryNames, entryId: number): string {
  const phrases = restored
    .filter((c) => c.root !== 'decisions' || !restored.some((i) => i.root === 'initiatives' && i.key === c.key))
    .flatMap((c) => boardPhrases({ ...c, before: null }, names, []).map((p) => p.replace(/^(added|created)\b/, 'restored')));
  return `${who} ${phrases.length && phrases.length <= MAX_PHRASES ? phrases.join('; ') : `restored ${restored.length} deleted records`} (deleted in #${entryId})`;
}

export const describeRollback = (who: string, entryId: number, changed: number): string =>
  `${who} rolled the board back to how it was after #${entryId} (${changed} ${changed === 1 ? 'record' : 'records'} changed)`;

// ---------------------------------------------------------------------------------------------
// Restore and rollback plans

/** Records an entry deleted that a restore can bring back. */
export const deletedRecords = (changes: RecordChange[]): RecordChange[] =>
  changes.filter((c) => RESTORABLE_ROOTS.includes(c.root) && c.before !== null && c.after === null);

/**
 * What each record must be to put the board back as it was right after an entry: for every record
 * a later entry changed, its value before the first of those changes (`from` that entry). `later` in order.
 */
export function rollbackTargets(later: { seq?: number; changes: RecordChange[] }[]): Map<string, RecordChange & { from?: number }> {
  const targets = new Map<string, RecordChange & { from?: number }>();
  for (const entry of later) {
    for (const c of entry.changes) {
      if (!(HISTORY_BOARD_ROOTS as readonly string[]).includes(c.root)) continue;
      const id = `${c.root}\u0000${c.key}`;
      // `from`: the entry whose value before it this is (anonymous mode may have forgotten its authors since).
      if (!targets.has(id)) targets.set(id, { root: c.root, key: c.key, before: null, after: c.before, ...(entry.seq === undefined ? {} : { from: entry.seq }) });
    }
  }
  return targets;
}
