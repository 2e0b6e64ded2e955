// End to end in headless Chromium, by keyboard only (a control focused, then Enter or Space):
// keyboard focus never falls to the page body. After a keyboard drop it is on the dropped item's
// handle: a note dropped into another lane (a new card there, which dnd-kit's own focus restore
// misses: the board binds handles lazily), and an initiative dropped into another Build / Buy /
// Partner column (dnd-kit restores that one; kept as a guard). After Delete it is on the next note
// (the one before at the end, then the lane's Note field); the Threshold and Merge panels take it
// when they open and give it back to their button on Escape and Save; after a merge it is on the
// merged note; after Remove impact and Remove metric on the next one, then on Add impact / Add
// metric. (test/component/focus.test.tsx covers the same in jsdom, which lacks Chromium's quirks:
// a disabled or removed control drops focus to the body only there.) The one-initiative
// workshop also checks the singular in stages 3 and 4.
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { addNote } from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { setRankingOrder } from '../../shared/commands/ranking.js';

const env = useServerAndBrowser();

const focused = (page: Page) =>
  page.evaluate(() => (document.activeElement === document.body ? 'BODY' : (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName)));

/** Activates `control` from the keyboard: focused, then `key` pressed. */
async function press(page: Page, control: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await control.focus();
  await page.keyboard.press(key);
}

/** Waits until `target` has keyboard focus (focus moves after the next frame); says where it is if it never gets there. */
async function focusMovesTo(page: Page, target: Locator, after: string): Promise<void> {
  const has = () => target.evaluate((el) => el === document.activeElement).catch(() => false);
  try {
    await waitFor(has, 5_000, `focus after ${after}`);
  } catch {
    const where = await page.evaluate(() =>
      document.activeElement === document.body ? 'the page body' : (document.activeElement?.outerHTML.slice(0, 160) ?? 'nothing'),
    );
    expect.fail(`after ${after}, focus is on ${where}, not on ${target}`);
  }
}

/** Picks up the item whose handle is `handle` with Space, presses `keys`, drops it with Space. */
async function keyboardDrag(page: Page, handle: Locator, keys: string[]): Promise<void> {
  await handle.focus();
  await page.keyboard.press('Space');
  // dnd-kit's keyboard sensor listens for arrows from a zero-delay timer after Space.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  for (const key of keys) await page.keyboard.press(key);
  await page.keyboard.press('Space');
}

it('keeps keyboard focus on the dropped note and the dropped initiative, and says "the top initiative" when there is one', async () => {
  const ws = await createWorkshop(env.server, { title: 'Focus e2e', template: 'scaleup' });
  const seed = connectClient(env.server.wsUrl, ws.id, ws.tokens.facilitator);
  const control = connectClient(env.server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  await Promise.all([waitSynced(seed), waitSynced(control)]);
  const author = { id: 'seed-author', name: 'Seeder', color: '#336699' };
  const checkout = addNote(seed.doc, { lane: 'product', text: 'Checkout slow', author, now: 1 });
  addNote(seed.doc, { lane: 'platform', text: 'Deploys take 3 hours', author, now: 2 });
  const initiative = createInitiative(seed.doc, { title: 'Checkout rewrite', bottleneckIds: [checkout], now: 3 });
  setRankingOrder(control.doc, [initiative]); // ranked by hand: it goes on to stage 4
  await waitFor(() => seed.provider.synced && control.provider.synced, 5_000, 'seeded');

  const { page, context } = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const lane = (name: string) => page.getByRole('region', { name: 'Board' }).getByRole('region', { name, exact: true });

  // Stage 1: Checkout slow moves from Product to Platform by keyboard.
  const handle = lane('Product').getByRole('button', { name: 'Move note: Checkout slow' });
  await keyboardDrag(page, handle, ['ArrowRight']);
  await lane('Platform').getByRole('button', { name: 'Move note: Checkout slow' }).waitFor();
  await waitFor(async () => (await focused(page)) === 'Move note: Checkout slow', 5_000, 'focus on the moved note');
  expect(await page.evaluate(() => document.activeElement?.closest('[data-lane]')?.getAttribute('data-lane'))).toBe('platform');

  // Stage 3: one initiative, counted in the singular.
  await page.getByRole('button', { name: 'Next stage' }).click();
  await page.getByRole('button', { name: 'Next stage' }).click();
  await page.getByRole('region', { name: 'Board' }).getByText('You have scored 0 of 1 initiative.', { exact: true }).waitFor({ timeout: 10_000 });

  // Stage 4: the initiative moves from Undecided into a column by keyboard.
  await page.getByRole('button', { name: 'Next stage' }).click();
  await page.getByRole('region', { name: 'Board' }).getByText(/^Drop the top initiative into Build, Buy or Partner/).waitFor({ timeout: 10_000 });
  const card = page.getByRole('region', { name: 'Board' }).getByRole('article', { name: 'Checkout rewrite' });
  const undecided = page.getByRole('region', { name: 'Undecided' });
  await undecided.getByRole('article', { name: 'Checkout rewrite' }).waitFor();
  await keyboardDrag(page, card.getByRole('button', { name: 'Move Checkout rewrite' }), Array(12).fill('ArrowDown'));
  await waitFor(async () => (await undecided.getByRole('article').count()) === 0, 5_000, 'the card left Undecided');
  await waitFor(async () => (await focused(page)) === 'Move Checkout rewrite', 5_000, 'focus on the moved card');

  seed.destroy();
  control.destroy();
  await context.close();
}, 60_000);

it('puts keyboard focus on the next sensible control after Delete, Merge, Remove impact and Remove metric, and into the Threshold and Merge panels', async () => {
  const ws = await createWorkshop(env.server, { title: 'Focus walk', template: 'scaleup' });
  const seed = connectClient(env.server.wsUrl, ws.id, ws.tokens.facilitator);
  const control = connectClient(env.server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  await Promise.all([waitSynced(seed), waitSynced(control)]);
  const author = { id: 'seed-author', name: 'Seeder', color: '#336699' };
  ['First', 'Second', 'Third'].forEach((text, i) => addNote(seed.doc, { lane: 'product', text, author, now: i + 1 }));
  const batch = addNote(seed.doc, { lane: 'platform', text: 'Nightly batch', author, now: 4 });
  addNote(seed.doc, { lane: 'org', text: 'Checkout slow', author, now: 5 });
  addNote(seed.doc, { lane: 'org', text: 'Payments time out', author, now: 6 });
  addImpact(seed.doc, { noteId: batch, category: 'revenue', magnitude: 4, now: 7 });
  addImpact(seed.doc, { noteId: batch, category: 'trust', magnitude: 3, now: 8 });
  const initiative = createInitiative(seed.doc, { title: 'Checkout rewrite', bottleneckIds: [batch], now: 9 });
  addMetric(seed.doc, { id: 'm1', initiativeId: initiative, name: 'p99' });
  addMetric(seed.doc, { id: 'm2', initiativeId: initiative, name: 'error rate' });
  setRankingOrder(control.doc, [initiative]); // ranked by hand: it goes on to stages 4 and 5
  await waitFor(() => seed.provider.synced && control.provider.synced, 5_000, 'seeded');

  const { page, context } = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const board = page.getByRole('region', { name: 'Board' });
  const lane = (name: string) => board.getByRole('region', { name, exact: true });
  const note = (text: string | RegExp) => board.getByRole('listitem', { name: text, exact: true });
  const handle = (text: string) => board.getByRole('button', { name: `Move note: ${text}`, exact: true });

  // Delete: the next note, the one before at the end of the lane, then the lane's Note field.
  await press(page, note('First').getByRole('button', { name: 'Delete' }));
  await focusMovesTo(page, handle('Second'), 'deleting the first note');
  await press(page, note('Third').getByRole('button', { name: 'Delete' }), 'Space');
  await focusMovesTo(page, handle('Second'), 'deleting the last note');
  await press(page, note('Second').getByRole('button', { name: 'Delete' }));
  await focusMovesTo(page, lane('Product').getByRole('textbox', { name: 'Note', exact: true }), "deleting the lane's only note");
  expect(await lane('Product').getByRole('listitem').count()).toBe(0);

  // Threshold: into the panel on opening; back to its button on Escape and on Save.
  const thresholdButton = note('Nightly batch').getByRole('button', { name: 'Threshold' });
  await press(page, thresholdButton);
  await focusMovesTo(page, note('Nightly batch').getByRole('combobox', { name: 'Threshold kind' }), 'opening Threshold');
  await page.keyboard.press('Escape');
  await focusMovesTo(page, thresholdButton, 'Escape in the Threshold panel');
  expect(await note('Nightly batch').getByRole('combobox', { name: 'Threshold kind' }).count()).toBe(0);
  await press(page, thresholdButton, 'Space');
  await focusMovesTo(page, note('Nightly batch').getByRole('combobox', { name: 'Threshold kind' }), 'opening Threshold again');
  await note('Nightly batch').getByRole('spinbutton', { name: 'Value' }).fill('5');
  await press(page, note('Nightly batch').getByRole('button', { name: 'Save threshold' }));
  await focusMovesTo(page, thresholdButton, 'Save threshold');
  await waitFor(async () => ((await note('Nightly batch').textContent()) ?? '').includes('5'), 5_000, 'the threshold saved');

  // Merge: into the panel on opening, back to its button on Escape, then onto the merged note.
  const mergeButton = note('Payments time out').getByRole('button', { name: 'Merge…' });
  const mergePanel = board.getByRole('group', { name: 'Merge "Payments time out" into another note' });
  await press(page, mergeButton);
  await focusMovesTo(page, mergePanel.getByRole('button', { name: /^Merge into: Checkout slow/ }), 'opening Merge (the first choice, same lane first)');
  await page.keyboard.press('Escape');
  await focusMovesTo(page, mergeButton, 'Escape in the Merge panel');
  expect(await mergePanel.count()).toBe(0);
  await press(page, mergeButton, 'Space');
  await press(page, mergePanel.getByRole('button', { name: /^Merge into: Checkout slow/ }));
  await waitFor(async () => (await lane('Organization').getByRole('listitem').count()) === 1, 5_000, 'merged');
  await focusMovesTo(page, lane('Organization').getByRole('button', { name: /^Move note: Checkout slow/ }), 'merging');

  // Stage 2, Remove impact: the next impact of the note, then Add impact.
  await page.getByRole('button', { name: 'Next stage' }).click();
  const impacts = board.getByRole('group', { name: 'Impacts of Nightly batch' });
  await impacts.getByRole('button', { name: 'Remove impact' }).first().waitFor();
  await press(page, impacts.getByRole('button', { name: 'Remove impact' }).first());
  await focusMovesTo(page, impacts.getByRole('combobox', { name: 'Impact category' }), 'removing the first impact');
  expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)).toBe('trust');
  await press(page, impacts.getByRole('button', { name: 'Remove impact' }), 'Space');
  await focusMovesTo(page, impacts.getByRole('button', { name: 'Add impact' }), 'removing the last impact');

  // Stage 5, Remove metric: the next metric's name, then Add metric.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next stage' }).click();
  const owner = board.getByRole('article', { name: 'Checkout rewrite' });
  await owner.getByRole('button', { name: 'Remove metric 2' }).waitFor();
  await press(page, owner.getByRole('button', { name: 'Remove metric 1' }));
  await focusMovesTo(page, owner.getByRole('group', { name: 'Metric 1' }).getByRole('textbox', { name: 'Metric', exact: true }), 'removing the first metric');
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('error rate');
  await press(page, owner.getByRole('button', { name: 'Remove metric 1' }), 'Space');
  await focusMovesTo(page, owner.getByRole('button', { name: 'Add metric' }), 'removing the last metric');

  seed.destroy();
  control.destroy();
  await context.close();
}, 60_000);
