// @vitest-environment jsdom
// Stages 3 to 5 write the shared board when a text field is left or Enter is pressed, never per
// keystroke (initiative title, rationale, metric fields, DRI): typing N characters is one board
// update. Until then the edit is a draft, which survives the facilitator moving the stage on and
// back; Escape drops it.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type * as Y from 'yjs';
import type { StageKey } from '../../shared/constants.js';
import { readBoard } from '../../shared/schema.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { StageThreeToFive } from '../../client/features/prioritization/StageThreeToFive.js';
import { InitiativeList } from '../../client/features/prioritization/Initiatives.js';
import { usePrioritization } from '../../client/features/prioritization/usePrioritization.js';
import { useBoardDrafts } from '../../client/state/drafts.js';
import { destroyAll, makeSession, type Harness } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  useBoardDrafts.setState({ drafts: {} });
});

/** Counts the board document's updates (what would go over the network) from now on. */
function countUpdates(doc: Y.Doc): () => number {
  let n = 0;
  doc.on('update', () => n++);
  return () => n;
}

/** A board with one initiative in the top (scores revealed). */
function decided(): Harness & { id: string } {
  const h = makeSession({ role: 'facilitator' });
  const id = createInitiative(h.board, { title: 'Checkout rewrite', bottleneckIds: [], now: 1 });
  revealScores(h.control);
  return { ...h, id };
}

const at = (h: Harness, stage: StageKey) => (
  <SessionContext.Provider value={h.session}>
    <StageThreeToFive stage={stage} />
  </SessionContext.Provider>
);

/** Stage 3's initiative cards (the private scores document is left out: it needs a server). */
function Stage3Cards() {
  return <InitiativeList data={usePrioritization()} privateDoc={null} />;
}

describe('stage 3 to 5 text fields', () => {
  it('rename an initiative with one update, on blur', async () => {
    const user = userEvent.setup();
    const { id, ...h } = decided();
    render(
      <SessionContext.Provider value={h.session}>
        <Stage3Cards />
      </SessionContext.Provider>,
    );
    const updates = countUpdates(h.board);
    const title = screen.getByRole('textbox', { name: 'Title' });
    await user.type(title, ' (phase 1)');
    expect(updates()).toBe(0);
    expect(readBoard(h.board).initiatives[0]!.title).toBe('Checkout rewrite');
    await user.tab();
    expect(updates()).toBe(1);
    expect(readBoard(h.board).initiatives.find((i) => i.id === id)!.title).toBe('Checkout rewrite (phase 1)');
  });

  it('write a rationale with one update, on Enter; Shift+Enter is a new line', async () => {
    const user = userEvent.setup();
    const { id, ...h } = decided();
    render(at(h, 'build-buy-partner'));
    const updates = countUpdates(h.board);
    const rationale = screen.getByRole('textbox', { name: 'Rationale' });
    await user.type(rationale, 'Checkout speed{Shift>}{Enter}{/Shift}is our edge');
    expect(updates()).toBe(0);
    await user.keyboard('{Enter}');
    expect(updates()).toBe(1);
    expect(readBoard(h.board).decisions[id]!.rationale).toBe('Checkout speed\nis our edge');
  });

  it('fill a metric and the DRI with one update per field', async () => {
    const user = userEvent.setup();
    const { id, ...h } = decided();
    addMetric(h.board, { initiativeId: id });
    render(at(h, 'metrics-owners'));
    const updates = countUpdates(h.board);
    const metric = within(screen.getByRole('group', { name: 'Metric 1' }));
    await user.type(metric.getByRole('textbox', { name: 'Metric' }), 'Checkout p99');
    await user.type(metric.getByRole('textbox', { name: 'Baseline' }), '2.1 s');
    await user.type(metric.getByRole('textbox', { name: 'Target' }), '500 ms');
    await user.type(screen.getByRole('combobox', { name: 'DRI' }), 'Ada{Enter}');
    expect(updates()).toBe(4);
    const board = readBoard(h.board);
    expect(board.metrics[0]).toMatchObject({ name: 'Checkout p99', baseline: '2.1 s', target: '500 ms' });
    expect(board.decisions[id]!.dri).toBe('Ada');
  });

  it('keep an edit through a stage change and back, and drop it on Escape', async () => {
    const user = userEvent.setup();
    const { id, ...h } = decided();
    const view = render(at(h, 'build-buy-partner'));
    await user.type(screen.getByRole('textbox', { name: 'Rationale' }), 'Speed is our edge');
    // The facilitator moves on and back: the editor unmounts and returns with the text.
    view.rerender(at(h, 'metrics-owners'));
    expect(screen.queryByRole('textbox', { name: 'Rationale' })).toBeNull();
    view.rerender(at(h, 'build-buy-partner'));
    const rationale = screen.getByRole('textbox', { name: 'Rationale' }) as HTMLTextAreaElement;
    expect(rationale.value).toBe('Speed is our edge');
    expect(readBoard(h.board).decisions[id]?.rationale ?? '').toBe('');

    await user.type(rationale, '{Escape}');
    expect(rationale.value).toBe('');
    await user.tab();
    expect(readBoard(h.board).decisions[id]?.rationale ?? '').toBe('');
  });
});
