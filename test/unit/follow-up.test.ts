// Follow-ups in the domain (issue 15, SPEC 8): the stage sequence with Review first (and the usual
// five untouched elsewhere), the copy of the previous decisions, the review commands (statuses,
// comments, carrying over, concurrently too), check-ins on previous metrics, and the follow-up's
// log in JSON, Markdown and CSV. Plain numbers for `now`.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import Ajv from 'ajv';
import schema from '../../shared/log/decision-log.v1.schema.json';
import { STAGES } from '../../shared/constants.js';
import { controlMaps, initControl, readBoard, readCurrentStage } from '../../shared/schema.js';
import {
  autoAdvanceDue,
  goToStage,
  hasReachedStage,
  initialEngineState,
  isFollowUpState,
  nextStage,
  normalizeEngineState,
  readCurrentStageKey,
  readEngineState,
  stageTimings,
  stagesOf,
  usualStageIndex,
} from '../../shared/stages.js';
import { MINUTE_MS, startTimer } from '../../shared/timer.js';
import { reviewTimingForLog, stageTimingsForLog } from '../../shared/log/adapters.js';
import { canStartFollowUp, carriedInitiativeId, MAX_REVIEW_COMMENT, previousWorkshopFrom, reviewOf, writePrevious } from '../../shared/followUp.js';
import { carryOver, setReviewComment, setReviewStatus } from '../../shared/commands/review.js';
import { addCheckIn } from '../../shared/commands/checkIns.js';
import { setOffPlanTolerance } from '../../shared/commands/control.js';
import { buildDecisionLog, readLogControl } from '../../shared/log/build.js';
import { toCsv } from '../../shared/log/csv.js';
import { toMarkdown } from '../../shared/log/markdown.js';
import { buildFixture, CREATED_AT, WORKSHOP_ID } from './decision-log.fixture.js';

const T0 = 1_700_000_000_000;
const min = (n: number) => n * MINUTE_MS;
const FOLLOW_UP_CREATED = Date.UTC(2025, 5, 2, 9, 0); // 2025-06-02

describe('the stage sequence of a follow-up', () => {
  it('is Review (15 minutes) and then the usual five with their planned minutes; a workshop that is not one keeps five', () => {
    const state = initialEngineState([20, 15, 20, 25, 10], { followUp: true });
    expect(isFollowUpState(state)).toBe(true);
    expect(stagesOf(state).map((s) => s.key)).toEqual(['review', ...STAGES.map((s) => s.key)]);
    expect(state.stages.map((r) => r.plannedMs / MINUTE_MS)).toEqual([15, 20, 15, 20, 25, 10]);
    expect(usualStageIndex(state)).toBe(-1);
    const usual = initialEngineState([20, 15, 20, 25, 10]);
    expect(isFollowUpState(usual)).toBe(false);
    expect(stagesOf(usual)).toBe(STAGES);
    expect(usualStageIndex(usual)).toBe(0);
  });

  it('moves through all six and no further; auto-advance leaves Review when its 15 minutes are up, never the last stage', () => {
    let state = startTimer(initialEngineState(undefined, { followUp: true }), T0);
    expect(autoAdvanceDue(state, T0 + min(14))).toBe(false);
    expect(autoAdvanceDue(state, T0 + min(15))).toBe(true);
    for (let i = 1; i <= 5; i++) state = nextStage(state, T0 + min(15 * i));
    expect(state.current).toBe(5);
    expect(usualStageIndex(state)).toBe(4);
    expect(nextStage(state, T0 + min(100))).toBe(state);
    expect(autoAdvanceDue(state, T0 + min(1000))).toBe(false);
    expect(goToStage(state, 6, T0)).toBe(state);
  });

  it('is read back from the stored state, Review included, and readCurrentStage counts to 5', () => {
    const doc = new Y.Doc();
    initControl(doc, { title: 'T', template: 'scaleup', createdAt: T0 }, initialEngineState(undefined, { followUp: true }));
    expect(readCurrentStageKey(doc)).toBe('review');
    const stored = controlMaps(doc).engine.get('state') as { current: number };
    controlMaps(doc).engine.set('state', { ...stored, current: 99 });
    expect(readCurrentStage(doc)).toBe(5);
    expect(readEngineState(doc).current).toBe(5);
    expect(readCurrentStageKey(doc)).toBe('metrics-owners');
    // A five-stage state with a stray index stays five stages.
    expect(normalizeEngineState({ current: 99, stages: [] }).stages).toHaveLength(5);
    expect(normalizeEngineState({ current: 99, stages: [{ key: 'review', plannedMs: min(9) }] }).stages[0]).toMatchObject({ key: 'review', plannedMs: min(9) });
  });

  it('keeps the log’s stages five: Review’s minutes are reported apart', () => {
    let state = startTimer(initialEngineState(undefined, { followUp: true }), T0);
    state = nextStage(state, T0 + min(12));
    expect(stageTimings(state, T0 + min(13)).map((t) => t.title)[0]).toBe('Review');
    expect(stageTimingsForLog(state, T0 + min(13)).map((t) => t.key)).toEqual(STAGES.map((s) => s.key));
    expect(reviewTimingForLog(state, T0 + min(13))).toMatchObject({ key: 'review', plannedMinutes: 15, actualMinutes: 12 });
    expect(reviewTimingForLog(initialEngineState(), T0)).toBeNull();
  });

  it('allows Start follow-up with decisions, or from stage 5 on', () => {
    let state = startTimer(initialEngineState(), T0);
    expect(canStartFollowUp(0, state)).toBe(false);
    expect(canStartFollowUp(2, state)).toBe(true);
    state = goToStage(state, 3, T0 + 1);
    expect(canStartFollowUp(0, state)).toBe(false);
    state = goToStage(state, 4, T0 + 2);
    expect(hasReachedStage(state, 'metrics-owners')).toBe(true);
    expect(canStartFollowUp(0, state)).toBe(true);
    expect(canStartFollowUp(0, goToStage(state, 3, T0 + 3))).toBe(true); // went back: stage 5 has run
  });
});

/** A follow-up's board of the golden fixture's workshop, as the server writes it. */
function followUpBoard(): { board: Y.Doc; control: Y.Doc } {
  const fixture = buildFixture();
  const previous = previousWorkshopFrom({ id: WORKSHOP_ID, board: readBoard(fixture.board), ...readLogControl(fixture.control) });
  const board = new Y.Doc();
  writePrevious(board, previous, 'server');
  const control = new Y.Doc();
  initControl(control, { title: 'Follow-up: Q3', template: 'scaleup', createdAt: FOLLOW_UP_CREATED }, initialEngineState(undefined, { followUp: true }));
  return { board, control };
}

describe('the previous decisions and their review', () => {
  it('copies the top decisions in final order with DRI, phase and metrics (ids kept), and their metrics’ check-ins only', () => {
    const { board } = followUpBoard();
    const prev = readBoard(board).previous!;
    expect(prev).toMatchObject({ id: WORKSHOP_ID, title: 'Platform scaling Q3 — Acme 🚀', createdAt: CREATED_AT });
    expect(prev.decisions.map((d) => [d.rank, d.id, d.phase, d.dri, d.metrics.map((m) => m.id)])).toEqual([
      [1, 'i2', 'now', 'Grace Hopper', ['m1', 'm2']],
      [2, 'i1', 'next', 'Linus', ['m3']], // the empty draft metric m4 stays behind
      [3, 'i3', 'later', null, []],
    ]);
    expect(prev.checkIns.map((c) => [c.metricId, c.value, c.at])).toEqual([
      ['m1', 24, '2025-03-20'],
      ['m1', 30, '2025-04-15'],
    ]);
    expect(Object.keys(readBoard(board).reviews).sort()).toEqual(['i1', 'i2', 'i3']);
  });

  it('sets known statuses on known decisions only, and clips a comment to its limit', () => {
    const { board } = followUpBoard();
    setReviewStatus(board, { decisionId: 'i2', status: 'at-risk' });
    setReviewStatus(board, { decisionId: 'i1', status: 'sideways' as never });
    setReviewStatus(board, { decisionId: 'no-such-decision', status: 'done' });
    setReviewComment(board, { decisionId: 'i2', comment: 'x'.repeat(MAX_REVIEW_COMMENT + 50) });
    const b = readBoard(board);
    expect(b.reviews.i2).toMatchObject({ status: 'at-risk' });
    expect(b.reviews.i2!.comment).toHaveLength(MAX_REVIEW_COMMENT);
    expect(b.reviews.i1!.status).toBe('');
    expect(b.reviews['no-such-decision']).toBeUndefined();
    setReviewStatus(board, { decisionId: 'i2', status: null });
    expect(reviewOf(readBoard(board), 15)[0]!.status).toBeNull();
  });

  it('carries an open decision over once, as an initiative that says where it came from; not Done or Dropped ones', () => {
    const { board } = followUpBoard();
    setReviewStatus(board, { decisionId: 'i1', status: 'done' });
    setReviewStatus(board, { decisionId: 'i3', status: 'dropped' });
    expect(carryOver(board, { decisionId: 'i2', now: 5 })).toBe(carriedInitiativeId('i2'));
    expect(carryOver(board, { decisionId: 'i2', now: 6 })).toBe(carriedInitiativeId('i2'));
    expect(carryOver(board, { decisionId: 'i1', now: 7 })).toBeNull();
    expect(carryOver(board, { decisionId: 'i3', now: 8 })).toBeNull();
    expect(carryOver(board, { decisionId: 'nope', now: 9 })).toBeNull();
    const b = readBoard(board);
    expect(b.initiatives).toEqual([
      { id: 'carried-i2', title: 'Observability: tracing & SLOs', bottleneckIds: [], createdAt: 5, carriedFrom: '#1 of Platform scaling Q3 — Acme 🚀' },
    ]);
    expect(reviewOf(b, 15).map((r) => r.carriedTo)).toEqual(['carried-i2', null, null]);
  });

  it('makes one initiative when two people carry the same decision over at once', () => {
    const { board: a } = followUpBoard();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    carryOver(a, { decisionId: 'i1', now: 10 });
    carryOver(b, { decisionId: 'i1', now: 11 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readBoard(a).initiatives).toEqual(readBoard(b).initiatives);
    expect(readBoard(a).initiatives.map((i) => i.id)).toEqual(['carried-i1']);
  });

  it('takes check-ins on the previous metrics, flagged against the plan from the previous workshop’s date with the follow-up’s tolerance', () => {
    const { board } = followUpBoard();
    expect(addCheckIn(board, { metricId: 'm1', value: 60, at: '2025-06-10', by: 'p', now: 1 })).toMatchObject({ ok: true });
    expect(addCheckIn(board, { metricId: 'm4', value: 1, at: '2025-06-10', by: 'p', now: 1 })).toMatchObject({ ok: false, field: 'metricId' });
    // m1: 20 on 2025-03-14 to 100 on 2025-06-30; after the due date the plan is 100: 60 is 40% off.
    const tracing = (tolerance: number) => reviewOf(readBoard(board), tolerance)[0]!.metrics[0]!;
    expect(tracing(15).progress.points.map((p) => [p.at, p.value])).toEqual([
      ['2025-03-20', 24],
      ['2025-04-15', 30],
      ['2025-06-10', 60],
    ]);
    expect(tracing(15).progress.offPlan).toBe(true);
    expect(tracing(45).progress.offPlan).toBe(false);
    // A workshop that is not a follow-up knows no such metric.
    expect(addCheckIn(new Y.Doc(), { metricId: 'm1', value: 60, at: '2025-06-10', by: 'p', now: 1 })).toMatchObject({ ok: false, field: 'metricId' });
  });
});

describe('the log of a follow-up', () => {
  const reviewed = () => {
    const { board, control } = followUpBoard();
    setReviewStatus(board, { decisionId: 'i2', status: 'at-risk' });
    setReviewComment(board, { decisionId: 'i2', comment: '=cmd| "pipes" and <b>tags</b>' });
    setReviewStatus(board, { decisionId: 'i1', status: 'on-track' });
    carryOver(board, { decisionId: 'i2', now: FOLLOW_UP_CREATED + 1 });
    addCheckIn(board, { metricId: 'm1', value: 60, at: '2025-06-10', by: 'p', now: 1 });
    return { board, control };
  };

  it('says previousId and the review in JSON, valid against the v1 schema, with the tolerance deciding Off plan', () => {
    const { board, control } = reviewed();
    const log = buildDecisionLog({ board, control, workshopId: 'wsFollowUp01', now: FOLLOW_UP_CREATED + min(20) });
    expect(new Ajv({ strict: true }).compile(schema)(log)).toBe(true);
    expect(log.workshop.previousId).toBe(WORKSHOP_ID);
    expect(log.stages.map((s) => s.key)).toEqual(STAGES.map((s) => s.key));
    expect(log.review).toMatchObject({ previousTitle: 'Platform scaling Q3 — Acme 🚀', plannedMinutes: 15, actualMinutes: 0 });
    expect(log.review!.decisions.map((d) => [d.rank, d.status, d.carriedOver, d.metrics.map((m) => m.offPlan)])).toEqual([
      [1, 'at-risk', true, [true, false]],
      [2, 'on-track', false, [false]],
      [3, null, false, []],
    ]);
    setOffPlanTolerance(control, 45);
    expect(buildDecisionLog({ board, control, workshopId: 'wsFollowUp01', now: FOLLOW_UP_CREATED }).review!.decisions[0]!.metrics[0]!.offPlan).toBe(false);
  });

  it('has a Review section in Markdown with user text escaped, and review rows in the CSV with formulas neutralised', () => {
    const { board, control } = reviewed();
    const log = buildDecisionLog({ board, control, workshopId: 'wsFollowUp01', now: FOLLOW_UP_CREATED });
    const md = toMarkdown(log);
    expect(md).toContain(`- **Follows up:** \`${WORKSHOP_ID}\``);
    expect(md).toContain(
      '| 1 | Observability: tracing & SLOs (carried over) | Now | Grace Hopper | At risk | \\=cmd\\| "pipes" and &lt;b>tags&lt;/b> | Services with tracing: 20% → 100%, due 2025-06-30 (observability); checked in 60 on 2025-06-10, Off plan<br>MTTR: 4 h → 30 min, due 2025-09-30 |',
    );
    const lines = toCsv(log).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'Rank,Initiative,Approach,Rationale,Phase,DRI,Metric,Baseline,Target,Due,Bottlenecks,Dimensions,ROI,Urgency,Breaks in (months),Forecast urgency,Latest check-in,Off plan,Previous workshop,Status,Comment',
    );
    expect(lines).toContain(
      '1,Observability: tracing & SLOs,Build,,Now,Grace Hopper,Services with tracing,20%,100%,2025-06-30,,,,,,,60 on 2025-06-10,Off plan,Platform scaling Q3 — Acme 🚀,At risk,"\'=cmd| ""pipes"" and <b>tags</b>"',
    );
    expect(lines).toContain("2,Checkout performance program,Buy,,Next,Linus,'=1+1,'-5% conversion,'+10% conversion,2025-09-30,,,,,,,,,Platform scaling Q3 — Acme 🚀,On track,");
  });
});
