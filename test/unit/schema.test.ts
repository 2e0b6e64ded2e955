// Readers accept only known values from the participant-written board.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import Ajv from 'ajv';
import { boardMaps, initControl, readBoard, readScenarios } from '../../shared/schema.js';
import { GROWTH_RANGE, MAX_UNIT_LENGTH } from '../../shared/limits.js';
import { initialEngineState } from '../../shared/stages.js';
import { buildDecisionLog } from '../../shared/log/build.js';
import { toJson } from '../../shared/log/json.js';
import logSchema from '../../shared/log/decision-log.v1.schema.json';

it('reads out-of-contract decision fields as unset instead of passing them on', () => {
  const doc = new Y.Doc();
  const { initiatives, decisions } = boardMaps(doc);
  const i = new Y.Map<unknown>();
  i.set('id', 'i1');
  i.set('title', 'Checkout');
  initiatives.set('i1', i);
  const d = new Y.Map<unknown>();
  d.set('approach', 'steal');
  d.set('phase', 42);
  d.set('dri', 42);
  decisions.set('i1', d);
  expect(readBoard(doc).decisions.i1).toEqual({ initiativeId: 'i1', approach: null, rationale: '', phase: null, dri: null });

  d.set('approach', 'partner');
  d.set('phase', 'next');
  d.set('dri', 'Ada');
  expect(readBoard(doc).decisions.i1).toMatchObject({ approach: 'partner', phase: 'next', dri: 'Ada' });
});

it('reads growth models as setScenarioField writes them, whatever a hand-made update stored, so the log meets its schema', () => {
  // Another client writes the scenarios root by hand, past setScenarioField's checks.
  const rogue = new Y.Doc();
  const traffic = new Y.Map<unknown>();
  boardMaps(rogue).scenarios.set('traffic', traffic);
  traffic.set('current', -5);
  traffic.set('unit', 'u'.repeat(MAX_UNIT_LENGTH + 60));
  traffic.set('conservative', GROWTH_RANGE.min - 200);
  traffic.set('realistic', GROWTH_RANGE.max * 5);
  traffic.set('optimistic', Number.POSITIVE_INFINITY);
  const cost = new Y.Map<unknown>();
  boardMaps(rogue).scenarios.set('cost', cost);
  cost.set('current', '150');
  cost.set('unit', 42);
  cost.set('realistic', 4);
  const board = new Y.Doc();
  Y.applyUpdate(board, Y.encodeStateAsUpdate(rogue));

  const models = new Map(readScenarios(board).map((m) => [m.kind, m]));
  expect(models.get('traffic')).toEqual({
    kind: 'traffic',
    current: 0,
    unit: 'u'.repeat(MAX_UNIT_LENGTH),
    growth: { conservative: GROWTH_RANGE.min, realistic: GROWTH_RANGE.max, optimistic: null },
  });
  expect(models.get('cost')).toEqual({ kind: 'cost', current: null, unit: '', growth: { conservative: null, realistic: 4, optimistic: null } });
  // In range, a value is read as stored.
  traffic.set('current', 12_500);
  traffic.set('realistic', -2.5);
  Y.applyUpdate(board, Y.encodeStateAsUpdate(rogue));
  expect(readScenarios(board).find((m) => m.kind === 'traffic')).toMatchObject({ current: 12_500, growth: { realistic: -2.5 } });

  // The exported log of that board validates against the v1 schema (current below 0 would not).
  traffic.set('current', -5);
  Y.applyUpdate(board, Y.encodeStateAsUpdate(rogue));
  const control = new Y.Doc();
  initControl(control, { title: 'Hand-made', template: 'scaleup', createdAt: 0 }, initialEngineState());
  const log = JSON.parse(toJson(buildDecisionLog({ board, control, workshopId: 'wsHandMade', now: 60_000 })));
  expect(log.scenarios[0]).toMatchObject({ kind: 'traffic', current: 0 });
  const validate = new Ajv({ strict: true, allErrors: true }).compile(logSchema);
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
});
