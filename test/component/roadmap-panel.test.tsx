// @vitest-environment jsdom
// The Roadmap region over real board and control documents (SPEC 7): each top initiative's card
// in its decision's phase column with its DRI, metric and due date; a warning where a bottleneck
// breaks before the phase that addresses it; the initiatives outside the top N under Deferred
// with their scores. It follows the board as it changes.
import { afterEach, expect, it } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { boardMaps } from '../../shared/schema.js';
import { seedScenarios } from '../../shared/scenarios.js';
import { tallyScores } from '../../shared/ranking.js';
import { addNote } from '../../shared/commands/notes.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { setDri, setPhase } from '../../shared/commands/decisions.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { revealScores, setTopN } from '../../shared/commands/ranking.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { RoadmapPanel } from '../../client/features/plan/RoadmapPanel.js';
import { ADA, destroyAll, makeSession, type Harness } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
});

const users = (value: number) => ({ kind: 'traffic' as const, value, unit: 'concurrent users', text: '' });

/** Scaleup growth (traffic 10k users, +7 % realistic), three initiatives scored and revealed, top 2. */
function planBoard(): Harness {
  const h = makeSession({ role: 'observer' });
  const { board, control } = h;
  seedScenarios(board, 'scaleup', 'server');
  addNote(board, { id: 'b-now', lane: 'platform', text: 'DB at 95% CPU', author: ADA, now: 1, threshold: users(9_000) });
  addNote(board, { id: 'b-soon', lane: 'product', text: 'Checkout p99 > 2 s', author: ADA, now: 2, threshold: users(20_000) });
  createInitiative(board, { id: 'i-db', title: 'Shard the database', bottleneckIds: ['b-now', 'b-soon'], now: 3 });
  createInitiative(board, { id: 'i-search', title: 'Search service', bottleneckIds: [], now: 4 });
  createInitiative(board, { id: 'i-docs', title: 'Developer docs', bottleneckIds: [], now: 5 });
  setPhase(board, { initiativeId: 'i-db', phase: 'later' });
  setDri(board, { initiativeId: 'i-db', dri: 'Grace' });
  addMetric(board, { initiativeId: 'i-db', name: 'p99 checkout', baseline: '2.4 s', target: '0.8 s', due: '2027-03-31' });
  setPhase(board, { initiativeId: 'i-search', phase: 'now' });
  const tallies = tallyScores([
    { initiativeId: 'i-db', participantId: 'p1', roi: 5, urgency: 3 },
    { initiativeId: 'i-db', participantId: 'p2', roi: 5, urgency: 2 },
    { initiativeId: 'i-search', participantId: 'p1', roi: 4, urgency: 2 },
    { initiativeId: 'i-search', participantId: 'p2', roi: 4, urgency: 2 },
    { initiativeId: 'i-docs', participantId: 'p1', roi: 1, urgency: 2 },
    { initiativeId: 'i-docs', participantId: 'p2', roi: 2, urgency: 2 },
  ]);
  board.transact(() => {
    for (const [id, t] of tallies) boardMaps(board).revealedScores.set(id, t);
  });
  setTopN(control, 2);
  revealScores(control);
  return h;
}

const renderRoadmap = (h: ReturnType<typeof planBoard>) =>
  render(
    <SessionContext.Provider value={h.session}>
      <RoadmapPanel />
    </SessionContext.Provider>,
  );
const column = (name: string) => within(within(screen.getByRole('region', { name: 'Roadmap' })).getByRole('group', { name }));
const cards = (name: string) => column(name).queryAllByRole('listitem').map((li) => li.textContent);

it('puts each card in its phase with DRI, metric and due date, warns where a bottleneck breaks first, and lists the deferred with their scores', () => {
  const h = planBoard();
  renderRoadmap(h);

  const later = column('Later').getByRole('listitem');
  expect(within(later).getByText('#1 Shard the database')).toBeTruthy();
  expect(within(later).getByText('DRI: Grace')).toBeTruthy();
  expect(within(later).getByText('p99 checkout: 0.8 s by 2027-03-31')).toBeTruthy();
  expect(within(later).getByText('Forecast urgency 5/5 (breaks now)')).toBeTruthy();
  expect(cards('Now')).toEqual(['#2 Search serviceDRI: not assignedNo metric yet']);
  expect(cards('Next')).toEqual([]);
  expect(column('Next').getByText('Nothing yet.')).toBeTruthy();

  // 9k users against 10k today: breaking now, and its initiative waits for Later (month 6).
  const warnings = within(screen.getByRole('list', { name: 'Roadmap warnings' })).getAllByRole('listitem');
  expect(warnings.map((li) => li.textContent)).toEqual(['DB at 95% CPU (#1): breaks now, its initiative is in Later']);

  // Outside the top 2: its revealed means, ROI (1 + 2) / 2 and urgency 2.
  expect(cards('Deferred')).toEqual(['Developer docsROI 1.5 · urgency 2.0']);
});

it('moves a card when its phase changes and its text when its owner does', () => {
  const h = planBoard();
  renderRoadmap(h);
  act(() => {
    setPhase(h.board, { initiativeId: 'i-search', phase: 'next' });
    setDri(h.board, { initiativeId: 'i-search', dri: 'Linus' });
  });
  expect(cards('Now')).toEqual([]);
  expect(column('Next').getByRole('listitem').textContent).toBe('#2 Search serviceDRI: LinusNo metric yet');
});
