// The stage 3–5 commands: initiatives, decisions, metrics, private scores and the facilitator's
// ranking controls. Concurrency cases sync two documents the way two clients would.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardMaps, controlMaps, initControl, privateMaps, readBoard } from '../../shared/schema.js';
import {
  createInitiative,
  deleteInitiative,
  linkBottleneck,
  renameInitiative,
  unlinkBottleneck,
} from '../../shared/commands/initiatives.js';
import { replaceText } from '../../shared/commands/text.js';
import fc from 'fast-check';
import { newId } from '../../shared/commands/ids.js';
import { MAX_RATIONALE_LENGTH, setApproach, setDri, setPhase, setRationale } from '../../shared/commands/decisions.js';
import { addMetric, removeMetric, updateMetric } from '../../shared/commands/metrics.js';
import { readOwnScores, scoreInitiative, setScoreProfile } from '../../shared/commands/scores.js';
import { clearRankingOrder, hideScores, revealScores, setRankingOrder, setTopN } from '../../shared/commands/ranking.js';
import { readRankingControl } from '../../shared/ranking.js';
import type { Approach, Phase } from '../../shared/constants.js';

/** Exchanges all updates between two docs (what the server relays). */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function pair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  createInitiative(a, { id: 'i1', title: 'Checkout latency', bottleneckIds: ['n1'], now: 10 });
  sync(a, b);
  return [a, b];
}

describe('initiatives', () => {
  it('creates an initiative from several bottlenecks, without duplicates', () => {
    const doc = new Y.Doc();
    const id = createInitiative(doc, { title: 'Split the monolith', bottleneckIds: ['n1', 'n2', 'n1'], now: 5 });
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(readBoard(doc).initiatives).toEqual([{ id, title: 'Split the monolith', bottleneckIds: ['n1', 'n2'], createdAt: 5 }]);
  });

  it('renames by a minimal text edit, so concurrent edits in different places both survive', () => {
    const [a, b] = pair();
    renameInitiative(a, { id: 'i1', title: 'Fix checkout latency' });
    renameInitiative(b, { id: 'i1', title: 'Checkout latency p99' });
    sync(a, b);
    expect(readBoard(a).initiatives[0]!.title).toBe('Fix checkout latency p99');
    expect(readBoard(b).initiatives[0]!.title).toBe('Fix checkout latency p99');
  });

  it('replaceText handles insertions, deletions and replacements anywhere', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (const next of ['hello', 'hello world', 'help world', 'world', '', 'aaa', 'aXa', 'aa']) {
      replaceText(text, next);
      expect(text.toString()).toBe(next);
    }
  });

  it('replaceText replaces one emoji by another without breaking either (no U+FFFD)', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    // 😀 and 😃 share their first UTF-16 half; 👍🏽 and 👍🏿 their first three.
    for (const next of ['Ship it 😀', 'Ship it 😃', 'Ship it 😃!', '😃 first', '😀 first', 'Thumbs 👍🏽', 'Thumbs 👍🏿', '']) {
      replaceText(text, next);
      expect(text.toString()).toBe(next);
    }
    // The initiative title and the rationale go through the same replace.
    createInitiative(doc, { id: 'i1', title: 'Fix 😀', bottleneckIds: [], now: 1 });
    renameInitiative(doc, { id: 'i1', title: 'Fix 😃' });
    expect(readBoard(doc).initiatives[0]!.title).toBe('Fix 😃');
  });

  it('replaceText ends on the text asked for, whatever the two strings (emoji included)', () => {
    const chars = fc.constantFrom('a', 'b', ' ', '😀', '😃', '👍', '🏽', '🏿', 'é', '\u{1F1EB}');
    const str = fc.array(chars, { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(str, str, (a, b) => {
        const doc = new Y.Doc();
        const text = doc.getText('t');
        replaceText(text, a);
        replaceText(text, b);
        expect(text.toString()).toBe(b);
        expect(text.toString()).not.toContain('\uFFFD');
      }),
    );
  });

  it('links and unlinks bottlenecks; concurrent links of different notes are last-writer-wins on the list', () => {
    const doc = new Y.Doc();
    createInitiative(doc, { id: 'i1', title: 'T', bottleneckIds: ['n1'], now: 1 });
    linkBottleneck(doc, { id: 'i1', noteId: 'n2' });
    linkBottleneck(doc, { id: 'i1', noteId: 'n2' });
    expect(readBoard(doc).initiatives[0]!.bottleneckIds).toEqual(['n1', 'n2']);
    unlinkBottleneck(doc, { id: 'i1', noteId: 'n1' });
    expect(readBoard(doc).initiatives[0]!.bottleneckIds).toEqual(['n2']);
    linkBottleneck(doc, { id: 'missing', noteId: 'n2' }); // no-op, no throw
    expect(boardMaps(doc).initiatives.has('missing')).toBe(false);
  });

  it('deleting an initiative removes its decision and metrics, nothing else', () => {
    const doc = new Y.Doc();
    createInitiative(doc, { id: 'i1', title: 'One', bottleneckIds: [], now: 1 });
    createInitiative(doc, { id: 'i2', title: 'Two', bottleneckIds: [], now: 2 });
    setApproach(doc, { initiativeId: 'i1', approach: 'buy' });
    addMetric(doc, { id: 'm1', initiativeId: 'i1', name: 'x' });
    addMetric(doc, { id: 'm2', initiativeId: 'i2', name: 'y' });
    deleteInitiative(doc, { id: 'i1' });
    const board = readBoard(doc);
    expect(board.initiatives.map((i) => i.id)).toEqual(['i2']);
    expect(boardMaps(doc).decisions.has('i1')).toBe(false);
    expect(board.metrics.map((m) => m.id)).toEqual(['m2']);
  });

  it('newId is URL-safe and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('decisions', () => {
  it('sets approach, rationale, phase and DRI on the initiative', () => {
    const doc = new Y.Doc();
    createInitiative(doc, { id: 'i1', title: 'T', bottleneckIds: [], now: 1 });
    expect(readBoard(doc).decisions.i1).toEqual({ initiativeId: 'i1', approach: null, rationale: '', phase: null, dri: null });
    setApproach(doc, { initiativeId: 'i1', approach: 'partner' });
    setRationale(doc, { initiativeId: 'i1', rationale: 'Network effects' });
    setPhase(doc, { initiativeId: 'i1', phase: 'next' });
    setDri(doc, { initiativeId: 'i1', dri: 'Ada Lovelace' });
    expect(readBoard(doc).decisions.i1).toEqual({
      initiativeId: 'i1',
      approach: 'partner',
      rationale: 'Network effects',
      phase: 'next',
      dri: 'Ada Lovelace',
    });
    setApproach(doc, { initiativeId: 'i1', approach: null });
    setPhase(doc, { initiativeId: 'i1', phase: null });
    setDri(doc, { initiativeId: 'i1', dri: '  ' });
    expect(readBoard(doc).decisions.i1).toMatchObject({ approach: null, phase: null, dri: null });
  });

  it('refuses unknown approaches and phases, and ignores unknown initiatives', () => {
    const doc = new Y.Doc();
    expect(() => setApproach(doc, { initiativeId: 'i1', approach: 'steal' as Approach })).toThrow(/approach/);
    expect(() => setPhase(doc, { initiativeId: 'i1', phase: 'never' as Phase })).toThrow(/phase/);
    setApproach(doc, { initiativeId: 'nope', approach: 'build' });
    expect(boardMaps(doc).decisions.size).toBe(0);
  });

  it('keeps exactly one DRI when two people set it concurrently (one wins, on both sides)', () => {
    const [a, b] = pair();
    setDri(a, { initiativeId: 'i1', dri: 'Ada' });
    setDri(b, { initiativeId: 'i1', dri: 'Grace' });
    sync(a, b);
    const dri = readBoard(a).decisions.i1!.dri;
    expect(['Ada', 'Grace']).toContain(dri);
    expect(readBoard(b).decisions.i1!.dri).toBe(dri);
  });

  it('merges concurrent edits of different fields and of the rationale text', () => {
    const [a, b] = pair();
    // The decision record exists from the initiative's creation, so two people's first edits merge.
    setApproach(a, { initiativeId: 'i1', approach: 'build' });
    setPhase(b, { initiativeId: 'i1', phase: 'now' });
    setRationale(a, { initiativeId: 'i1', rationale: 'Core' });
    sync(a, b);
    setRationale(a, { initiativeId: 'i1', rationale: 'Core to the moat' });
    setRationale(b, { initiativeId: 'i1', rationale: 'Core. Fast' });
    sync(a, b);
    expect(readBoard(a).decisions.i1).toEqual(readBoard(b).decisions.i1);
    const d = readBoard(a).decisions.i1!;
    expect(d).toMatchObject({ approach: 'build', phase: 'now' });
    expect(d.rationale).toMatch(/^Core/);
    expect(d.rationale).toContain(' to the moat');
    expect(d.rationale).toContain('. Fast');
    expect(d.rationale).toHaveLength('Core to the moat. Fast'.length);
  });

  it('edits a rationale with emoji, and clips one at its limit, without a broken emoji on either side (no U+FFFD)', () => {
    const [a, b] = pair();
    const rationale = (d: Y.Doc) => readBoard(d).decisions.i1!.rationale;
    // 😀 and 😃 share their first UTF-16 half: an edit from one to the other goes through replaceText.
    for (const next of ['Moat 😀', 'Moat 😃 and 👍🏽', '😀 Moat 😃 and 👍🏿']) {
      setRationale(a, { initiativeId: 'i1', rationale: next });
      sync(a, b);
      expect(rationale(a)).toBe(next);
      expect(rationale(b)).toBe(next);
    }
    // Pasted past the limit with an emoji across it: the emoji is dropped whole, not cut in half.
    const pasted = 'x'.repeat(MAX_RATIONALE_LENGTH - 1) + '🚀 and more';
    setRationale(b, { initiativeId: 'i1', rationale: pasted });
    sync(a, b);
    for (const d of [a, b]) {
      expect(rationale(d)).toBe('x'.repeat(MAX_RATIONALE_LENGTH - 1));
      expect(rationale(d)).not.toContain('\uFFFD');
    }
    // Ending exactly on the emoji keeps it.
    setRationale(a, { initiativeId: 'i1', rationale: 'x'.repeat(MAX_RATIONALE_LENGTH - 2) + '🚀 and more' });
    sync(a, b);
    expect(rationale(b)).toBe('x'.repeat(MAX_RATIONALE_LENGTH - 2) + '🚀');
  });
});

describe('metrics', () => {
  it('adds, updates and removes metrics of a decision', () => {
    const doc = new Y.Doc();
    const id = addMetric(doc, { initiativeId: 'i1', name: 'Deploys per day' });
    updateMetric(doc, { id, baseline: '1', target: '10', due: '2026-03-31', observability: true });
    expect(readBoard(doc).metrics).toEqual([
      { id, initiativeId: 'i1', name: 'Deploys per day', baseline: '1', target: '10', due: '2026-03-31', observability: true },
    ]);
    removeMetric(doc, { id });
    expect(readBoard(doc).metrics).toEqual([]);
  });

  it('two people editing different fields of one metric both keep their change', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addMetric(a, { id: 'm1', initiativeId: 'i1' });
    sync(a, b);
    updateMetric(a, { id: 'm1', baseline: '3 s' });
    updateMetric(b, { id: 'm1', target: '1 s' });
    sync(a, b);
    expect(readBoard(a).metrics[0]).toMatchObject({ baseline: '3 s', target: '1 s' });
    expect(readBoard(b).metrics).toEqual(readBoard(a).metrics);
  });

  it('caps field length', () => {
    const doc = new Y.Doc();
    const id = addMetric(doc, { initiativeId: 'i1', name: 'x'.repeat(500) });
    expect(readBoard(doc).metrics.find((m) => m.id === id)!.name).toHaveLength(200);
  });
});

describe('private scores', () => {
  it('records ROI and urgency separately, merging with what was there', () => {
    const doc = new Y.Doc();
    scoreInitiative(doc, { initiativeId: 'i1', roi: 4 });
    expect(readOwnScores(doc)).toEqual({ i1: { roi: 4, urgency: null } });
    scoreInitiative(doc, { initiativeId: 'i1', urgency: 2 });
    expect(readOwnScores(doc)).toEqual({ i1: { roi: 4, urgency: 2 } });
    scoreInitiative(doc, { initiativeId: 'i1', roi: null, urgency: null });
    expect(readOwnScores(doc)).toEqual({});
  });

  it('refuses scores outside 1–5 or not whole', () => {
    const doc = new Y.Doc();
    for (const bad of [0, 6, 2.5, Number.NaN]) {
      expect(() => scoreInitiative(doc, { initiativeId: 'i1', roi: bad })).toThrow(/1 to 5/);
    }
    expect(privateMaps(doc).scores.size).toBe(0);
  });

  it('stores the owner profile in the private doc, and reads back garbage as missing', () => {
    const doc = new Y.Doc();
    setScoreProfile(doc, { participantId: 'p1', name: 'Ada' });
    expect(privateMaps(doc).profile.toJSON()).toEqual({ participantId: 'p1', name: 'Ada' });
    privateMaps(doc).scores.set('i9', { roi: 9, urgency: 3 });
    expect(readOwnScores(doc)).toEqual({ i9: { roi: null, urgency: 3 } });
  });

  it('never writes anything into a board document', () => {
    const doc = new Y.Doc();
    scoreInitiative(doc, { initiativeId: 'i1', roi: 5, urgency: 5 });
    setScoreProfile(doc, { participantId: 'p1', name: 'Ada' });
    expect([...doc.share.keys()].sort()).toEqual(['profile', 'scores']);
  });
});

describe('ranking controls (control document)', () => {
  const control = () => {
    const doc = new Y.Doc();
    initControl(doc, { title: 'T', template: 'scaleup', createdAt: 0 }, { current: 2 });
    return doc;
  };

  it('reveals and hides scores', () => {
    const doc = control();
    revealScores(doc);
    expect(readRankingControl(doc).scoresRevealed).toBe(true);
    hideScores(doc);
    expect(readRankingControl(doc).scoresRevealed).toBe(false);
  });

  it('stores the order without duplicates and clears it', () => {
    const doc = control();
    setRankingOrder(doc, ['b', 'a', 'b']);
    expect(readRankingControl(doc).order).toEqual(['b', 'a']);
    clearRankingOrder(doc);
    expect(readRankingControl(doc).order).toBeNull();
  });

  it('sets top N only to a whole number from 1 to 20', () => {
    const doc = control();
    setTopN(doc, 5);
    expect(readRankingControl(doc).topN).toBe(5);
    for (const bad of [0, -1, 2.5, 21, Number.NaN]) expect(() => setTopN(doc, bad)).toThrow(/top N/);
    expect(controlMaps(doc).settings.get('topN')).toBe(5);
  });
});
