// @vitest-environment jsdom
// One ranking per change (issue 13): stages 3 to 5, the roadmap and growth chart, the Ship-It
// checklist and the live decision log all read the ranking of the same board snapshot, so a
// change of the board or of the ranking controls ranks the initiatives once, not once per view.
//
// rankBoard ranks a snapshot the first time it is asked and answers the same array after that,
// and it calls rankInitiatives inside its own module, where a spy cannot see. So a ranking is
// counted as computed when a view gets an array from rankBoard that no view has had before, or
// calls rankInitiatives itself.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import * as ranking from '../../shared/ranking.js';
import { boardMaps } from '../../shared/schema.js';
import { seedScenarios } from '../../shared/scenarios.js';
import { addNote } from '../../shared/commands/notes.js';
import { createInitiative, renameInitiative } from '../../shared/commands/initiatives.js';
import { setDri, setPhase } from '../../shared/commands/decisions.js';
import { revealScores, setTopN } from '../../shared/commands/ranking.js';
import { startTimer } from '../../shared/commands/control.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { serverClock } from '../../client/sync/clock.js';
import { StageThreeToFive } from '../../client/features/prioritization/StageThreeToFive.js';
import { RoadmapPanel } from '../../client/features/plan/RoadmapPanel.js';
import { GrowthScenarios } from '../../client/features/plan/GrowthScenarios.js';
import { ChecklistPanel } from '../../client/features/checklist/ChecklistPanel.js';
import { DecisionLogPanel } from '../../client/features/decision-log/DecisionLogPanel.js';
import { ADA, destroyAll, makeSession } from './boardHarness.js';

const NOW = Date.UTC(2026, 10, 15);

beforeEach(() => {
  // The log reads server time; no server here.
  vi.spyOn(serverClock, 'sync').mockResolvedValue(undefined);
  vi.spyOn(serverClock, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  cleanup();
  destroyAll();
  vi.restoreAllMocks();
});

/** Counts the rankings computed since the last call (see the top of the file). */
function rankingCounter() {
  const direct = vi.spyOn(ranking, 'rankInitiatives');
  const shared = vi.spyOn(ranking, 'rankBoard');
  const seen = new Set<unknown>();
  return () => {
    const fresh = new Set(shared.mock.results.map((r) => r.value).filter((v) => !seen.has(v)));
    const counted = { count: fresh.size + direct.mock.calls.length, asked: shared.mock.calls.length };
    for (const v of fresh) seen.add(v);
    shared.mockClear();
    direct.mockClear();
    return counted;
  };
}

it('ranks once per change with stages 3 to 5, the plan, the checklist and the decision log mounted', async () => {
  // An observer: the same views and hooks, without the private scores connection.
  const h = makeSession({ role: 'observer' });
  seedScenarios(h.board, 'scaleup', 'server');
  addNote(h.board, { id: 'n1', lane: 'platform', text: 'DB at 95% CPU', author: ADA, now: 1, threshold: { kind: 'traffic', value: 15_000, unit: 'concurrent users', text: '' } });
  createInitiative(h.board, { id: 'i1', title: 'Shard the database', bottleneckIds: ['n1'], now: 2 });
  createInitiative(h.board, { id: 'i2', title: 'Search service', bottleneckIds: [], now: 3 });
  setPhase(h.board, { initiativeId: 'i1', phase: 'now' });

  const count = rankingCounter();
  const { rerender } = render(<Views session={h.session} />);
  await act(async () => undefined);
  expect(count().count).toBe(1);

  /** One change, then every view (deferred ones too) rendered; returns the rankings it cost. */
  async function change(write: () => void) {
    await act(async () => write());
    // Every view asked for the ranking again (rankBoard) and got the one computed for this change.
    const { count: computed, asked } = count();
    expect(asked).toBeGreaterThanOrEqual(1);
    return computed;
  }

  // The reveal: scores on the board, and the control's flag.
  expect(
    await change(() => {
      const tallies = ranking.tallyScores([
        { initiativeId: 'i1', participantId: 'p1', roi: 5, urgency: 4 },
        { initiativeId: 'i2', participantId: 'p1', roi: 2, urgency: 2 },
      ]);
      h.board.transact(() => {
        for (const [id, t] of tallies) boardMaps(h.board).revealedScores.set(id, t);
      });
    }),
  ).toBe(1);
  expect(await change(() => revealScores(h.control))).toBe(1);
  expect(screen.getByRole('region', { name: 'Decision log' }).textContent).toContain('Top 3: 2 decisions');

  expect(await change(() => renameInitiative(h.board, { id: 'i2', title: 'Search cluster' }))).toBe(1);
  expect(await change(() => setDri(h.board, { initiativeId: 'i1', dri: 'Grace' }))).toBe(1);
  expect(within(screen.getByRole('region', { name: 'Roadmap' })).getByText('DRI: Grace')).toBeTruthy();
  expect(await change(() => addNote(h.board, { lane: 'org', text: 'Two teams own billing', author: ADA, now: 4 }))).toBe(1);
  expect(await change(() => setTopN(h.control, 1))).toBe(1);
  expect(screen.getByRole('region', { name: 'Decision log' }).textContent).toContain('Top 1: 1 decision');
  // A control change the ranking does not depend on ranks nothing.
  expect(await change(() => startTimer(h.control, NOW))).toBe(0);

  // Re-rendering the views without a change ranks nothing either.
  rerender(<Views session={h.session} />);
  await act(async () => undefined);
  expect(count().count).toBe(0);
});

function Views({ session }: { session: ReturnType<typeof makeSession>['session'] }) {
  return (
    <SessionContext.Provider value={session}>
      <StageThreeToFive stage="prioritization" />
      <StageThreeToFive stage="build-buy-partner" />
      <StageThreeToFive stage="metrics-owners" />
      <RoadmapPanel />
      <GrowthScenarios />
      <ChecklistPanel />
      <DecisionLogPanel />
    </SessionContext.Provider>
  );
}
