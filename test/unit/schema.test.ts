// Readers accept only known values from the participant-written board.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardMaps, readBoard } from '../../shared/schema.js';

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
