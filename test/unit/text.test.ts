// shared/commands/text.ts clipUnits: every command clips text to its limit with it (note, title,
// rationale, DRI, evidence, metric fields, review comment, carried-from), so an emoji across the
// limit is dropped whole: a peer never reads U+FFFD, what Yjs makes of a lone surrogate half.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { clipUnits } from '../../shared/commands/text.js';
import { followUpTitle } from '../../shared/followUp.js';
import { setScenarioField } from '../../shared/scenarios.js';
import { boardMaps, readScenarios } from '../../shared/schema.js';
import { MAX_UNIT_LENGTH, MAX_WORKSHOP_TITLE } from '../../shared/limits.js';
import { addNote, editNoteText } from '../../shared/commands/notes.js';
import { createInitiative, renameInitiative } from '../../shared/commands/initiatives.js';
import { setDri, setRationale } from '../../shared/commands/decisions.js';
import { addImpact, updateImpact } from '../../shared/commands/impacts.js';
import { addMetric, updateMetric } from '../../shared/commands/metrics.js';
import { carryOver, setReviewComment } from '../../shared/commands/review.js';
import { writePrevious } from '../../shared/followUp.js';
import {
  MAX_CARRIED_FROM,
  MAX_DRI_LENGTH,
  MAX_EVIDENCE,
  MAX_METRIC_FIELD_LENGTH,
  MAX_NOTE_TEXT,
  MAX_RATIONALE_LENGTH,
  MAX_REVIEW_COMMENT,
  MAX_TITLE_LENGTH,
} from '../../shared/limits.js';

/** What a peer reads of `s` stored in a Y.Text and sent to it as an update. */
function throughYjs(s: string): string {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, s);
  const peer = new Y.Doc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
  return peer.getText('t').toString();
}

describe('clipUnits', () => {
  it('drops an emoji that straddles the limit whole; one that ends on it stays', () => {
    expect(clipUnits('abc😀', 4)).toBe('abc');
    expect(clipUnits('abc😀', 5)).toBe('abc😀');
    expect(clipUnits('abc😀def', 5)).toBe('abc😀');
    expect(clipUnits('😀😀', 3)).toBe('😀');
    expect(clipUnits('😀', 1)).toBe('');
    expect(clipUnits('short', 10)).toBe('short');
    expect(clipUnits('abc', 0)).toBe('');
    // A skin-tone modifier is an emoji of its own (two units): it goes whole too.
    expect(clipUnits('👍🏽', 3)).toBe('👍');
    // The slice it replaces leaves half an emoji, which Yjs turns into U+FFFD on the peer.
    expect(throughYjs('abc😀'.slice(0, 4))).toBe('abc\uFFFD');
    expect(throughYjs(clipUnits('abc😀', 4))).toBe('abc');
  });

  it('keeps the longest prefix within the limit that splits no pair, for any text and limit', () => {
    const text = fc.array(fc.constantFrom('a', ' ', 'é', '😀', '👍', '🏽', '\u{1F1EB}', '中'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.nat({ max: 70 }), (s, max) => {
        const clipped = clipUnits(s, max);
        expect(s.startsWith(clipped)).toBe(true);
        expect(clipped.length).toBeLessThanOrEqual(max);
        // One unit short of the limit only when the next would have been half an emoji.
        if (s.length > max) expect(clipped.length).toBeGreaterThanOrEqual(max - 1);
        expect(clipped).not.toMatch(/\p{Cs}/u);
        expect(throughYjs(clipped)).toBe(clipped);
      }),
      { numRuns: 500 },
    );
  });
});

/** A string one unit short of `max` and then an emoji, so the limit falls between its two halves. */
const across = (max: number, tail = ' and then some') => 'x'.repeat(max - 1) + '🚀' + tail;

/** A field of a record of a board root, as a peer that synced the board reads it. */
function read(doc: Y.Doc, root: string, id: string, ...path: string[]): string {
  const peer = new Y.Doc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
  let v: unknown = peer.getMap(root).get(id);
  for (const key of path) v = v instanceof Y.Map ? v.get(key) : (v as Record<string, unknown>)[key];
  return String(v);
}

describe('every command that clips a text field to its limit', () => {
  it('drops an emoji across the limit whole, so a peer reads no U+FFFD', () => {
    const doc = new Y.Doc();
    const author = { id: 'u1', name: across(80), color: '#123456' };
    const note = addNote(doc, { lane: 'product', text: across(MAX_NOTE_TEXT), author, threshold: { kind: 'traffic', value: 1, unit: across(40), text: across(300) }, now: 1 });
    const edited = addNote(doc, { lane: 'product', text: 'short', author, now: 1 });
    editNoteText(doc, { id: edited, text: across(MAX_NOTE_TEXT) });
    createInitiative(doc, { id: 'i1', title: across(MAX_TITLE_LENGTH), bottleneckIds: [], now: 1 });
    createInitiative(doc, { id: 'i2', title: 'short', bottleneckIds: [], now: 1 });
    renameInitiative(doc, { id: 'i2', title: across(MAX_TITLE_LENGTH) });
    setRationale(doc, { initiativeId: 'i1', rationale: across(MAX_RATIONALE_LENGTH) });
    setDri(doc, { initiativeId: 'i1', dri: across(MAX_DRI_LENGTH) });
    const impact = addImpact(doc, { noteId: note, category: 'revenue', magnitude: 3, evidence: across(MAX_EVIDENCE), now: 1 })!;
    const updated = addImpact(doc, { noteId: note, category: 'revenue', magnitude: 3, now: 1 })!;
    updateImpact(doc, { id: updated, evidence: across(MAX_EVIDENCE) });
    const metric = addMetric(doc, { initiativeId: 'i1', name: across(MAX_METRIC_FIELD_LENGTH) });
    updateMetric(doc, { id: metric, target: across(MAX_METRIC_FIELD_LENGTH) });
    // A follow-up's Review: the comment, and a carried-over decision's title and where it came from.
    const decision = { id: 'd1', rank: 1, initiative: across(MAX_TITLE_LENGTH), approach: null, rationale: '', phase: null, dri: null, metrics: [] };
    writePrevious(doc, { id: 'w0', title: across(MAX_CARRIED_FROM - '#1 of '.length), createdAt: 0, decisions: [decision], checkIns: [] }, 'server');
    setReviewComment(doc, { decisionId: 'd1', comment: across(MAX_REVIEW_COMMENT) });
    const carried = carryOver(doc, { decisionId: 'd1', now: 2 })!;

    const fields: [string, string, number][] = [
      ['note text', read(doc, 'notes', note, 'text'), MAX_NOTE_TEXT],
      ['edited note text', read(doc, 'notes', edited, 'text'), MAX_NOTE_TEXT],
      ['author name', read(doc, 'notes', note, 'author', 'name'), 80],
      ['threshold unit', read(doc, 'notes', note, 'threshold', 'unit'), 40],
      ['threshold text', read(doc, 'notes', note, 'threshold', 'text'), 300],
      ['initiative title', read(doc, 'initiatives', 'i1', 'title'), MAX_TITLE_LENGTH],
      ['renamed initiative title', read(doc, 'initiatives', 'i2', 'title'), MAX_TITLE_LENGTH],
      ['rationale', read(doc, 'decisions', 'i1', 'rationale'), MAX_RATIONALE_LENGTH],
      ['DRI', read(doc, 'decisions', 'i1', 'dri'), MAX_DRI_LENGTH],
      ['evidence', read(doc, 'impacts', impact, 'evidence'), MAX_EVIDENCE],
      ['updated evidence', read(doc, 'impacts', updated, 'evidence'), MAX_EVIDENCE],
      ['metric name', read(doc, 'metrics', metric, 'name'), MAX_METRIC_FIELD_LENGTH],
      ['updated metric target', read(doc, 'metrics', metric, 'target'), MAX_METRIC_FIELD_LENGTH],
      ['review comment', read(doc, 'reviews', 'd1', 'comment'), MAX_REVIEW_COMMENT],
      ['carried-over title', read(doc, 'initiatives', carried, 'title'), MAX_TITLE_LENGTH],
      ['carried from', read(doc, 'initiatives', carried, 'carriedFrom'), MAX_CARRIED_FROM],
    ];
    for (const [what, value, max] of fields) {
      expect(value, what).not.toContain('\uFFFD');
      expect(value.length, what).toBe(max - 1);
      expect(value.endsWith('x'), what).toBe(true);
    }
  });
});

describe('clipping outside the commands', () => {
  const whole = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

  it("keeps an emoji whole at the follow-up title's, the growth unit's and the stored unit's limit", () => {
    // 'Follow-up: ' is 11 units: a title of 188 units then an emoji straddles 200.
    const title = followUpTitle('t'.repeat(188) + '🚀🚀');
    expect(title.length).toBeLessThanOrEqual(MAX_WORKSHOP_TITLE);
    expect(whole(title)).toBe(true);

    const doc = new Y.Doc();
    setScenarioField(doc, { kind: 'traffic', field: 'unit', value: 'u'.repeat(MAX_UNIT_LENGTH - 1) + '📈' });
    const unit = readScenarios(doc).find((m) => m.kind === 'traffic')!.unit;
    expect(unit).toBe('u'.repeat(MAX_UNIT_LENGTH - 1));
    // A unit stored whole by a hand-made update is read clipped the same way.
    boardMaps(doc).scenarios.get('traffic')!.set('unit', 'v'.repeat(MAX_UNIT_LENGTH - 1) + '📉');
    expect(readScenarios(doc).find((m) => m.kind === 'traffic')!.unit).toBe('v'.repeat(MAX_UNIT_LENGTH - 1));
  });
});
