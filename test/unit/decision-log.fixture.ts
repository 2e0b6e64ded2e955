// A realistic, fully deterministic workshop for the decision-log tests: three lanes, impacts,
// five initiatives with revealed scores and a facilitator override, three decisions, and hostile
// text everywhere a user can type (formulas, pipes, HTML, newlines, emoji, right-to-left text).
// Fixed ids and times, so every rendering is byte-for-byte stable.
import * as Y from 'yjs';
import { boardMaps, controlMaps, initControl, type RosterEntry, type Score, type Threshold } from '../../shared/schema.js';
import { initialEngineState } from '../../shared/stages.js';
import { templateDurations } from '../../shared/templates.js';
import { tallyScores } from '../../shared/ranking.js';
import { seedScenarios } from '../../shared/scenarios.js';
import { addCheckIn } from '../../shared/commands/checkIns.js';
import { addMinutes, nextStage, pauseTimer, resumeTimer, startTimer } from '../../shared/commands/control.js';
import type { Approach, ImpactCategory, Lane, Phase } from '../../shared/constants.js';

export const WORKSHOP_ID = 'wsGoldenFixture01';
export const CREATED_AT = Date.UTC(2025, 2, 14, 9, 0, 0); // 2025-03-14T09:00:00Z
const MIN = 60_000;
/** Export time: 4.5 minutes into stage 5, timer running. */
export const NOW = CREATED_AT + (5 + 22 + 18 + 31 + 20 + 4.5) * MIN;

export const HOSTILE = {
  formula: '=HYPERLINK("http://evil.example/steal","Click me")',
  pipes: 'Onboarding takes 3 weeks | pipes | and `backticks`',
  script: 'No tracing across services <script>alert("x")</script>',
  newline: 'Monolith deploys take 4 hours\nand fail 1 in 5',
  heading: '# Two teams own billing',
  rtl: 'فريق المنصة مثقل بالطلبات',
  emoji: 'Hiring bar unclear 🤷‍♀️ across teams',
} as const;

/** An author name that must never appear in any export (authors are not part of the log). */
export const SECRET_AUTHOR = 'Author Name Never Exported';

const text = (s: string) => new Y.Text(s);

function note(doc: Y.Doc, id: string, lane: Lane, order: string, body: string, threshold: Threshold | null = null): void {
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('lane', lane);
  m.set('order', order);
  m.set('text', text(body));
  m.set('author', { id: 'u-secret', name: SECRET_AUTHOR, color: '#b3261e' });
  m.set('coAuthors', []);
  m.set('threshold', threshold);
  m.set('createdAt', CREATED_AT + 10 * MIN);
  boardMaps(doc).notes.set(id, m);
}

function impact(doc: Y.Doc, id: string, noteId: string, category: ImpactCategory, magnitude: number, evidence: string): void {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries({ id, noteId, category, magnitude, evidence })) m.set(k, v);
  boardMaps(doc).impacts.set(id, m);
}

function initiative(doc: Y.Doc, id: string, title: string, bottleneckIds: string[], minute: number): void {
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('title', text(title));
  m.set('bottleneckIds', bottleneckIds);
  m.set('createdAt', CREATED_AT + minute * MIN);
  boardMaps(doc).initiatives.set(id, m);
}

function decision(doc: Y.Doc, initiativeId: string, d: { approach: Approach; rationale: string; phase: Phase; dri?: string }): void {
  const m = new Y.Map<unknown>();
  m.set('initiativeId', initiativeId);
  m.set('approach', d.approach);
  m.set('rationale', text(d.rationale));
  m.set('phase', d.phase);
  if (d.dri) m.set('dri', d.dri);
  boardMaps(doc).decisions.set(initiativeId, m);
}

function metric(doc: Y.Doc, id: string, initiativeId: string, f: { name: string; baseline: string; target: string; due: string; observability?: boolean }): void {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries({ id, initiativeId, observability: false, ...f })) m.set(k, v);
  boardMaps(doc).metrics.set(id, m);
}

function scores(doc: Y.Doc, initiativeId: string, roi: (number | null)[], urgency: (number | null)[]): void {
  const all = roi.map((r, i): Score => ({ initiativeId, participantId: `p${i + 1}`, roi: r, urgency: urgency[i] ?? null }));
  const tally = tallyScores(all).get(initiativeId);
  if (tally) boardMaps(doc).revealedScores.set(initiativeId, tally);
}

function member(doc: Y.Doc, e: Omit<RosterEntry, 'color'>): void {
  boardMaps(doc).roster.set(e.id, { ...e, color: '#1a5fb4' });
}

export function buildFixture(opts: { anonymous?: boolean } = {}): { board: Y.Doc; control: Y.Doc } {
  const board = new Y.Doc();
  const control = new Y.Doc();
  initControl(control, { title: 'Platform scaling Q3 — Acme 🚀', template: 'scaleup', createdAt: CREATED_AT }, initialEngineState(templateDurations('scaleup')));
  if (opts.anonymous) controlMaps(control).settings.set('anonymous', true);

  // The agenda as it ran: stage 1 took 22 min, stage 2 18, stage 3 26 (5 min paused), stage 4 20.
  let t = CREATED_AT + 5 * MIN;
  startTimer(control, t);
  nextStage(control, (t += 22 * MIN));
  nextStage(control, (t += 18 * MIN));
  addMinutes(control, 5); // the discussion in stage 3 ran long: the facilitator added 5 minutes
  pauseTimer(control, (t += 25 * MIN));
  resumeTimer(control, (t += 5 * MIN));
  nextStage(control, (t += 1 * MIN));
  nextStage(control, (t += 20 * MIN));

  board.transact(() => {
    member(board, { id: 'u1', name: 'Grace Hopper', role: 'facilitator', firstSeen: CREATED_AT + 1 * MIN });
    member(board, { id: 'u2', name: 'Linus', role: 'participant', firstSeen: CREATED_AT + 2 * MIN });
    member(board, { id: 'u3', name: 'نور الهدى', role: 'participant', firstSeen: CREATED_AT + 3 * MIN });
    member(board, { id: 'u4', name: 'Ada | Board <i>member</i>', role: 'observer', firstSeen: CREATED_AT + 4 * MIN });
    member(board, { id: 'u5', name: 'Linus', role: 'participant', firstSeen: CREATED_AT + 6 * MIN }); // a second tab
    scores(board, 'i1', [5, 4, 4], [5, 5, 4]);
    scores(board, 'i2', [4, 4, 3], [5, 4, 4]);
    scores(board, 'i3', [3, 4, 2], [4, 3, 5]);
    scores(board, 'i4', [2, 3, 1], [2, 2, 3]);
    scores(board, 'i5', [1, 2], [null, null]);
  });
  seedBoardContent(board);
  // Check-ins after the workshop (SPEC 8): tracing 20% → 100% by 2025-06-30 is on plan in March
  // (planned 24.4) and off plan in April (30 against a planned 43.7).
  addCheckIn(board, { id: 'c1', metricId: 'm1', value: 24, at: '2025-03-20', by: 'u2', now: CREATED_AT + 8 * 24 * 60 * MIN });
  addCheckIn(board, { id: 'c2', metricId: 'm1', value: 30, at: '2025-04-15', by: 'u2', now: CREATED_AT + 32 * 24 * 60 * MIN });
  // The facilitator dragged Observability above Checkout.
  controlMaps(control).ranking.set('order', ['i2', 'i1']);
  return { board, control };
}

/**
 * The part of the board that clients write (notes, impacts, initiatives, decisions, metrics), so
 * tests against a real server can write it through a client. The roster and revealed scores are
 * server-only and set by buildFixture directly.
 */
export function seedBoardContent(board: Y.Doc): void {
  board.transact(() => {
    // Scaleup growth models: traffic 10k concurrent users (+7 % a month realistic), data 2 TB.
    seedScenarios(board, 'scaleup', 'fixture');
    note(board, 'n-p1', 'product', 'a0', 'Checkout slows down under peak load', {
      kind: 'traffic',
      value: 20000,
      unit: 'concurrent users',
      text: 'checkout p99 > 2 s',
    });
    note(board, 'n-p2', 'product', 'a1', HOSTILE.formula);
    note(board, 'n-p3', 'product', 'a2', HOSTILE.pipes);
    note(board, 'n-f1', 'platform', 'a0', HOSTILE.newline);
    note(board, 'n-f2', 'platform', 'a1', HOSTILE.script);
    note(board, 'n-f3', 'platform', 'a2', 'Postgres primary at 85% CPU', { kind: 'data-volume', value: 2, unit: 'TB', text: '' });
    note(board, 'n-o1', 'org', 'a0', HOSTILE.heading);
    note(board, 'n-o2', 'org', 'a1', HOSTILE.rtl);
    note(board, 'n-o3', 'org', 'a2', '   '); // a blank draft: not in the log
    note(board, 'n-o4', 'org', 'a3', HOSTILE.emoji);

    impact(board, 'im1', 'n-p1', 'revenue', 5, 'Black Friday: 3% of carts abandoned at payment');
    impact(board, 'im2', 'n-p1', 'trust', 4, '');
    impact(board, 'im3', 'n-f1', 'velocity', 4, 'Two releases a week instead of ten');
    impact(board, 'im4', 'n-f2', 'trust', 3, 'MTTR 4 h | target 30 min');
    impact(board, 'im5', 'n-f3', 'margin', 3, '-$40k/month on over-provisioning');
    impact(board, 'im6', 'n-o2', 'velocity', 2, 'طلبات متراكمة: 120');
    impact(board, 'im7', 'n-p2', 'compliance', 1, '=cmd|" /C calc"!A0');

    initiative(board, 'i1', 'Checkout performance program', ['n-p1', 'n-f3', 'n-deleted'], 70);
    initiative(board, 'i2', 'Observability: tracing & SLOs', ['n-f2'], 71);
    initiative(board, 'i3', '=HYPERLINK("http://evil.example") platform team', ['n-o2', 'n-o1'], 72);
    initiative(board, 'i4', 'Self-serve onboarding', ['n-p3'], 73);
    initiative(board, 'i5', 'Hiring rubric', ['n-o4'], 74);

    decision(board, 'i2', {
      approach: 'build',
      rationale: 'Tracing is how we run the platform;\n| we own the SLOs |',
      phase: 'now',
      dri: 'Grace Hopper',
    });
    decision(board, 'i1', { approach: 'buy', rationale: 'Speed over uniqueness: <b>CDN</b> + managed DB', phase: 'next', dri: 'Linus' });
    decision(board, 'i3', { approach: 'partner', rationale: '@partners — نحن بحاجة إلى شريك 🤝', phase: 'later' });
    decision(board, 'i4', { approach: 'build', rationale: 'Not in the top 3: must not be exported', phase: 'later', dri: 'Nobody' });

    metric(board, 'm1', 'i2', { name: 'Services with tracing', baseline: '20%', target: '100%', due: '2025-06-30', observability: true });
    metric(board, 'm2', 'i2', { name: 'MTTR', baseline: '4 h', target: '30 min', due: '2025-09-30' });
    metric(board, 'm3', 'i1', { name: '=1+1', baseline: '-5% conversion', target: '+10% conversion', due: '2025-09-30' });
    metric(board, 'm4', 'i1', { name: '', baseline: '', target: '', due: '' }); // an empty draft row
  });
}
