// @vitest-environment jsdom
// Stage 2 over a real board document with a traffic growth model (SPEC 7): each note with a
// threshold shows its forecast with the calendar month it points at, and `Soonest break first`
// orders every lane by the realistic break, notes that cannot be forecast last.
import { afterEach, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { addNote } from '../../shared/commands/notes.js';
import { setScenarioField } from '../../shared/scenarios.js';
import { breakMonth, monthsToBreak } from '../../shared/forecast.js';
import type { Threshold } from '../../shared/schema.js';
import { serverClock } from '../../client/sync/clock.js';
import { ADA, destroyAll, makeSession, renderBoard } from './boardHarness.js';

afterEach(() => {
  cleanup();
  destroyAll();
  vi.restoreAllMocks();
});

/** Server time as the notes read it: 15 Nov 2026, so the calendar months below are fixed. */
const NOW = Date.UTC(2026, 10, 15);

const users = (value: number): Threshold => ({ kind: 'traffic', value, unit: 'concurrent users', text: '' });

/** The texts of a lane's notes, top to bottom. */
const laneOrder = (lane: string) =>
  [...within(screen.getByRole('list', { name: `${lane} notes` })).getAllByRole('listitem')]
    .filter((li) => li.hasAttribute('data-note-id'))
    .map((li) => li.querySelector('.note-text')!.textContent);

it('shows each forecast with its calendar month, and orders a lane by the soonest realistic break', async () => {
  vi.spyOn(serverClock, 'now').mockReturnValue(NOW);
  const user = userEvent.setup();
  const h = makeSession();
  // Traffic: 10k concurrent users today, +3 / +7 / +12 % a month.
  setScenarioField(h.board, { kind: 'traffic', field: 'current', value: 10_000 });
  setScenarioField(h.board, { kind: 'traffic', field: 'unit', value: 'concurrent users' });
  setScenarioField(h.board, { kind: 'traffic', field: 'conservative', value: 3 });
  setScenarioField(h.board, { kind: 'traffic', field: 'realistic', value: 7 });
  setScenarioField(h.board, { kind: 'traffic', field: 'optimistic', value: 12 });
  // Added in this order: no threshold, breaks in ~10 months, breaks in ~3 months.
  addNote(h.board, { lane: 'platform', text: 'Docs are out of date', author: ADA, now: 1 });
  addNote(h.board, { lane: 'platform', text: 'Checkout p99 over 2 s', author: ADA, now: 2, threshold: users(20_000) });
  addNote(h.board, { lane: 'platform', text: 'Search index falls behind', author: ADA, now: 3, threshold: users(12_000) });
  // A note in another lane stays in its own lane.
  addNote(h.board, { lane: 'product', text: 'Signup form is slow', author: ADA, now: 4, threshold: users(11_000) });
  renderBoard(h, 'impact');

  // 20k: ln 2 / ln 1.07 = 10.2 months realistic (Nov 2026 + 10: September 2027); 23.4 and 6.1 in the others.
  const checkout = screen.getByRole('listitem', { name: 'Checkout p99 over 2 s' });
  expect(breakMonth(monthsToBreak(10_000, 20_000, 7)!, NOW)).toBe('Sep 2027');
  expect(within(checkout).getByText(/^Forecast:/).textContent).toBe(
    `Forecast: breaks in ~10 months (${breakMonth(monthsToBreak(10_000, 20_000, 7)!, NOW)}); 6–23 across scenarios`,
  );
  // 12k: ln 1.2 / ln 1.07 = 2.7 months realistic (Jan 2027); 6.2 and 1.6 in the others.
  const search = screen.getByRole('listitem', { name: 'Search index falls behind' });
  expect(within(search).getByText(/^Forecast:/).textContent).toBe('Forecast: breaks in ~3 months (Jan 2027); 2–6 across scenarios');
  expect(within(screen.getByRole('listitem', { name: 'Docs are out of date' })).queryByText(/^Forecast:/)).toBeNull();

  // Board order first, then soonest break first: 2.7 months, 10.2 months, no forecast.
  expect(laneOrder('Platform')).toEqual(['Docs are out of date', 'Checkout p99 over 2 s', 'Search index falls behind']);
  const soonest = screen.getByRole('button', { name: 'Soonest break first' });
  await user.click(soonest);
  expect(soonest.getAttribute('aria-pressed')).toBe('true');
  expect(laneOrder('Platform')).toEqual(['Search index falls behind', 'Checkout p99 over 2 s', 'Docs are out of date']);
  expect(laneOrder('Product')).toEqual(['Signup form is slow']);

  // Pressed again, the board's own order comes back.
  await user.click(soonest);
  expect(laneOrder('Platform')).toEqual(['Docs are out of date', 'Checkout p99 over 2 s', 'Search index falls behind']);
});
