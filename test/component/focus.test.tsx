// @vitest-environment jsdom
// Keyboard focus never falls to the page body: after Delete, Merge, Remove impact, Remove metric,
// Delete initiative and a change of approach it lands on the next sensible control; the
// Threshold and Merge panels take focus when they open and give it back to their button on
// Escape. (A keyboard drop is in test/browser/focus.test.ts: dnd-kit needs real layout.)
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StageKey } from '../../shared/constants.js';
import { addNote } from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { readBoard } from '../../shared/schema.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import { StageThreeToFive } from '../../client/features/prioritization/StageThreeToFive.js';
import { InitiativeList } from '../../client/features/prioritization/Initiatives.js';
import { usePrioritization } from '../../client/features/prioritization/usePrioritization.js';
import { ADA, BOB, destroyAll, makeSession, renderBoard, type Harness } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

const note = (text: string) => within(screen.getByRole('listitem', { name: text }));
/** Waits until `el` has focus (focus moves after the next frame), and checks it never is the body. */
const focusIsOn = (el: () => HTMLElement) =>
  waitFor(() => {
    expect(document.activeElement).not.toBe(document.body);
    expect(document.activeElement).toBe(el());
  });

const stage = (h: Harness, key: StageKey) =>
  render(
    <SessionContext.Provider value={h.session}>
      <StageThreeToFive stage={key} />
    </SessionContext.Provider>,
  );

describe('focus on the board (stages 1 and 2)', () => {
  it('goes to the next note after Delete, to the one before at the end, then to the lane’s Note field', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    for (const [i, text] of ['First', 'Second', 'Third'].entries()) addNote(h.board, { lane: 'product', text, author: ADA, now: i + 1 });
    renderBoard(h);

    await user.click(note('First').getByRole('button', { name: 'Delete' }));
    await focusIsOn(() => note('Second').getByRole('button', { name: 'Move note: Second' }));
    await user.click(note('Third').getByRole('button', { name: 'Delete' }));
    await focusIsOn(() => note('Second').getByRole('button', { name: 'Move note: Second' }));
    await user.click(note('Second').getByRole('button', { name: 'Delete' }));
    const product = within(screen.getByRole('region', { name: 'Product' }));
    await focusIsOn(() => product.getByRole('textbox', { name: 'Note' }));
  });

  it('moves into the Threshold panel, and back to its button on Escape and on Save', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    addNote(h.board, { lane: 'platform', text: 'Nightly batch', author: ADA, now: 1 });
    renderBoard(h);
    const button = () => note('Nightly batch').getByRole('button', { name: 'Threshold' });

    await user.click(button());
    await focusIsOn(() => note('Nightly batch').getByRole('combobox', { name: 'Threshold kind' }));
    await user.keyboard('{Escape}');
    expect(note('Nightly batch').queryByRole('combobox', { name: 'Threshold kind' })).toBeNull();
    await focusIsOn(button);

    await user.click(button());
    await user.type(note('Nightly batch').getByRole('spinbutton', { name: 'Value' }), '5');
    await user.click(note('Nightly batch').getByRole('button', { name: 'Save threshold' }));
    await focusIsOn(button);
  });

  it('moves into the Merge panel, back to its button on Escape, and to the merged note after a merge', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    addNote(h.board, { lane: 'product', text: 'Checkout slow', author: BOB, now: 1 });
    addNote(h.board, { lane: 'product', text: 'Payments time out', author: ADA, now: 2 });
    renderBoard(h);
    const button = () => note('Payments time out').getByRole('button', { name: 'Merge…' });

    await user.click(button());
    await focusIsOn(() => screen.getByRole('button', { name: /^Merge into: Checkout slow/ }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('button', { name: /^Merge into:/ })).toBeNull();
    await focusIsOn(button);

    await user.click(button());
    await user.keyboard('{Enter}');
    expect(readBoard(h.board).notes).toHaveLength(1);
    await focusIsOn(() => note('Checkout slow\nPayments time out').getByRole('button', { name: /^Move note: Checkout slow/ }));
  });

  it('goes to the next impact after Remove impact, then to Add impact', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const id = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    addImpact(h.board, { noteId: id, category: 'revenue', magnitude: 4, now: 1 });
    addImpact(h.board, { noteId: id, category: 'trust', magnitude: 3, now: 2 });
    renderBoard(h, 'impact');
    const impacts = within(screen.getByRole('group', { name: 'Impacts of Checkout slow' }));

    await user.click(impacts.getAllByRole('button', { name: 'Remove impact' })[0]!);
    await focusIsOn(() => impacts.getByRole('combobox', { name: 'Impact category' }));
    expect((document.activeElement as HTMLSelectElement).value).toBe('trust');
    await user.click(impacts.getByRole('button', { name: 'Remove impact' }));
    await focusIsOn(() => impacts.getByRole('button', { name: 'Add impact' }));
  });
});

describe('focus in stages 3 to 5', () => {
  function decided(): Harness & { ids: string[] } {
    const h = makeSession({ role: 'facilitator' });
    const ids = ['Checkout rewrite', 'Observability', 'Team topology'].map((title, i) => createInitiative(h.board, { title, bottleneckIds: [], now: i + 1 }));
    revealScores(h.control);
    return { ...h, ids };
  }

  it('goes to the next initiative’s title after Delete', async () => {
    const user = userEvent.setup();
    const h = decided();
    function Cards() {
      return <InitiativeList data={usePrioritization()} privateDoc={null} />;
    }
    render(
      <SessionContext.Provider value={h.session}>
        <Cards />
      </SessionContext.Provider>,
    );
    await user.click(screen.getByRole('button', { name: 'Delete initiative Checkout rewrite' }));
    await focusIsOn(() => within(screen.getByRole('article', { name: 'Observability' })).getByRole('textbox', { name: 'Title' }));
  });

  it('follows a card to its new column when its approach is chosen', async () => {
    const user = userEvent.setup();
    const h = decided();
    stage(h, 'build-buy-partner');
    const approach = () => within(screen.getByRole('article', { name: 'Observability' })).getByRole('combobox', { name: 'Approach' });
    await user.selectOptions(approach(), 'buy');
    await waitFor(() => within(screen.getByRole('region', { name: 'Buy' })).getByRole('article', { name: 'Observability' }));
    await focusIsOn(approach);
  });

  it('goes to the next metric after Remove metric, then to Add metric', async () => {
    const user = userEvent.setup();
    const h = decided();
    addMetric(h.board, { id: 'm1', initiativeId: h.ids[0]!, name: 'p99' });
    addMetric(h.board, { id: 'm2', initiativeId: h.ids[0]!, name: 'error rate' });
    stage(h, 'metrics-owners');
    const owner = within(screen.getByRole('article', { name: 'Checkout rewrite' }));

    await user.click(owner.getByRole('button', { name: 'Remove metric 1' }));
    await focusIsOn(() => within(owner.getByRole('group', { name: 'Metric 1' })).getByRole('textbox', { name: 'Metric' }));
    expect((document.activeElement as HTMLInputElement).value).toBe('error rate');
    await user.click(owner.getByRole('button', { name: 'Remove metric 1' }));
    await focusIsOn(() => owner.getByRole('button', { name: 'Add metric' }));
  });
});
