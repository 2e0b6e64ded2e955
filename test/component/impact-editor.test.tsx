// @vitest-environment jsdom
// Stage 2 over a real board document: each bottleneck gets impacts (category, magnitude 1–5,
// evidence) that are added, edited and removed through commands; bottlenecks without an impact
// are flagged in words; a compact view groups bottlenecks by impact category; observers read only.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { addNote } from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { readBoard } from '../../shared/schema.js';
import { ADA, BOB, destroyAll, makeSession, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
});

const impactsOf = (text: string) => within(screen.getByRole('group', { name: `Impacts of ${text}` }));

describe('Impact editor', () => {
  it('adds, edits and removes impacts, and flags bottlenecks that have none', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const checkout = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    addNote(h.board, { lane: 'org', text: 'Two teams own payments', author: BOB, now: 2 });
    renderBoard(h, 'impact');

    // Both flagged, in words, and counted.
    expect(impactsOf('Checkout slow').getByText('No impact yet')).toBeTruthy();
    expect(impactsOf('Two teams own payments').getByText('No impact yet')).toBeTruthy();
    expect(screen.getByText('2 of 2 bottlenecks have no impact yet.')).toBeTruthy();

    await user.click(impactsOf('Checkout slow').getByRole('button', { name: 'Add impact' }));
    expect(readBoard(h.board).impacts).toHaveLength(1);
    expect(impactsOf('Checkout slow').queryByText('No impact yet')).toBeNull();
    expect(screen.getByText('1 of 2 bottlenecks has no impact yet.')).toBeTruthy();

    const editor = impactsOf('Checkout slow');
    await user.selectOptions(editor.getByRole('combobox', { name: 'Impact category' }), 'Customer trust / reliability');
    await user.selectOptions(editor.getByRole('combobox', { name: 'Magnitude' }), '5 of 5');
    await user.type(editor.getByRole('textbox', { name: 'Evidence' }), 'NPS down 8 points in Q3');
    await user.tab(); // evidence is committed when the field is left
    expect(readBoard(h.board).impacts).toEqual([
      expect.objectContaining({ noteId: checkout, category: 'trust', magnitude: 5, evidence: 'NPS down 8 points in Q3' }),
    ]);

    // A second impact on the same bottleneck starts on a category it does not have yet.
    await user.click(impactsOf('Checkout slow').getByRole('button', { name: 'Add impact' }));
    const categories = readBoard(h.board).impacts.map((i) => i.category);
    expect(categories).toHaveLength(2);
    expect(new Set(categories).size).toBe(2);

    for (const button of impactsOf('Checkout slow').getAllByRole('button', { name: 'Remove impact' })) await user.click(button);
    expect(readBoard(h.board).impacts).toEqual([]);
    expect(impactsOf('Checkout slow').getByText('No impact yet')).toBeTruthy();
  });

  it('counts one bottleneck in the singular', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    renderBoard(h, 'impact');
    expect(screen.getByText('1 of 1 bottleneck has no impact yet.')).toBeTruthy();
    await user.click(impactsOf('Checkout slow').getByRole('button', { name: 'Add impact' }));
    expect(screen.getByText('The bottleneck has an impact.')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b1 bottlenecks\b/);
  });

  it('groups bottlenecks by impact category in the compact view, strongest first', async () => {
    const user = userEvent.setup();
    const h = makeSession();
    const a = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    const b = addNote(h.board, { lane: 'platform', text: 'Deploys take 3 hours', author: BOB, now: 2 });
    addNote(h.board, { lane: 'org', text: 'No on-call rota', author: BOB, now: 3 });
    addImpact(h.board, { noteId: a, category: 'revenue', magnitude: 3, now: 1 });
    addImpact(h.board, { noteId: b, category: 'revenue', magnitude: 5, now: 2 });
    addImpact(h.board, { noteId: b, category: 'velocity', magnitude: 4, evidence: 'lead time 9 days', now: 3 });
    renderBoard(h, 'impact');

    await user.click(screen.getByRole('button', { name: 'Group by impact' }));
    const revenue = within(screen.getByRole('region', { name: 'Revenue' }));
    expect(revenue.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Deploys take 3 hours'),
      expect.stringContaining('Checkout slow'),
    ]);
    expect(within(screen.getByRole('region', { name: 'Delivery velocity' })).getByText(/Deploys take 3 hours/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Compliance / risk' })).queryAllByRole('listitem')).toEqual([]);
    expect(within(screen.getByRole('region', { name: 'No impact yet' })).getByText('No on-call rota')).toBeTruthy();

    // Live: a new impact moves the flagged bottleneck into its category.
    const c = readBoard(h.board).notes.find((n) => n.text === 'No on-call rota')!.id;
    act(() => void addImpact(h.board, { noteId: c, category: 'compliance', magnitude: 2, now: 4 }));
    expect(within(screen.getByRole('region', { name: 'Compliance / risk' })).getByText(/No on-call rota/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'No impact yet' })).queryAllByRole('listitem')).toEqual([]);
  });

  it('shows observers the impacts without any control', () => {
    const h = makeSession({ role: 'observer' });
    const a = addNote(h.board, { lane: 'product', text: 'Checkout slow', author: ADA, now: 1 });
    addNote(h.board, { lane: 'org', text: 'No on-call rota', author: BOB, now: 2 });
    addImpact(h.board, { noteId: a, category: 'margin', magnitude: 4, evidence: 'refunds 2% of GMV', now: 1 });
    renderBoard(h, 'impact');
    expect(impactsOf('Checkout slow').getByText(/Margin \/ cost · magnitude 4 of 5 · refunds 2% of GMV/)).toBeTruthy();
    expect(impactsOf('No on-call rota').getByText('No impact yet')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add impact' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove impact' })).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
  });
});
