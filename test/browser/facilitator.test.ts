// End to end in headless Chromium on a laptop (1280×800): what the facilitator needs in view
// without scrolling (who has finished scoring, with a tick and never a score, and `Reveal`; who
// has not written yet during silent writing), the facilitation notes for the stage and template,
// which participants never see, the five-stage list that folds once the workshop runs, and the
// decision log's counts in the singular when there is one.
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedInitiatives } from '../helpers/demoWorkshop.js';
import { setSilentWriting } from '../../shared/commands/control.js';
import { addNote } from '../../shared/commands/notes.js';

const env = useServerAndBrowser();

const LAPTOP = { viewport: { width: 1280, height: 800 } };
const board = (page: Page) => page.getByRole('region', { name: 'Board' });

/** Whether `target` is wholly on screen with the page at its top. */
async function inViewUnscrolled(page: Page, target: Locator): Promise<boolean> {
  await target.waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = (await target.boundingBox())!;
  return box.y >= 0 && box.y + box.height <= 800 && box.x >= 0 && box.x + box.width <= 1280;
}

it('shows the facilitator who has not written yet, then who has finished scoring and Reveal, without scrolling', async () => {
  const ws = await createWorkshop(env.server, { title: 'Platform scaling Q3', template: 'regulated' });
  const demo = await openDemoSession(env.server, ws);
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace', LAPTOP);
  const linus = await joinAs(env.browser, ws.links.participant, 'Linus', LAPTOP);
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');

  // Before the start the five stages are open (the facilitator may plan their minutes); a
  // participant sees them folded, and never the facilitator's notes or progress.
  const stages = (page: Page) => page.getByRole('region', { name: 'Stages' });
  const stageList = (page: Page) => stages(page).getByRole('list', { name: 'The five stages', includeHidden: true });
  expect(await stageList(f.page).isVisible()).toBe(true);
  expect(await stageList(linus.page).isVisible()).toBe(false);
  expect(await linus.page.getByText('Facilitation notes').count()).toBe(0);

  // The facilitation notes for this stage and template, folded until asked for.
  const notes = stages(f.page).locator('details.facilitation');
  expect(await notes.getByText('What to say').isVisible()).toBe(false);
  await notes.getByText('Facilitation notes').click();
  await notes.getByText('What to say').waitFor();
  const text = (await notes.textContent()) ?? '';
  expect(text).toContain('Name what limits growth today'); // the stage's
  expect(text).toContain('Watch for');
  expect(text).toMatch(/At 10 min.*Reveal the notes/); // a time cue against the stage's 20 planned minutes

  // One bottleneck is one bottleneck in the decision log's counts.
  addNote(demo.board.doc, { lane: 'org', text: 'Audits take a quarter', author: { id: 'seed', name: 'Seed', color: '#336699' }, now: Date.now() });
  await f.page.getByRole('region', { name: 'Decision log' }).getByText(/· 1 bottleneck ·/).waitFor();

  // Silent writing: Ada holds a note back, Linus has written nothing.
  setSilentWriting(demo.control.doc, true);
  await demo.goToStage(0);
  // Once the workshop runs, the list folds, and opens on demand.
  await waitFor(async () => !(await stageList(f.page).isVisible()), 5_000, 'stage list folded');
  await stages(f.page).getByText('All five stages').click();
  await stageList(f.page).waitFor();
  await stages(f.page).getByText('All five stages').click();

  await ada.page.getByText(/^Silent writing: new notes stay private/).waitFor();
  const adaNote = ada.page.getByRole('region', { name: 'Product' }).getByRole('textbox', { name: 'Note', exact: true });
  await adaNote.fill('Audit evidence is collected by hand');
  await adaNote.press('Enter');
  const progress = f.page.getByRole('region', { name: 'Writing progress' });
  await waitFor(async () => ((await progress.textContent()) ?? '').includes('1 of 2 participants have written'), 10_000, 'writing progress');
  expect(await progress.getByRole('listitem').allTextContents()).toEqual(['✓ Ada 1 waiting', '… Linus not yet']);
  expect(await inViewUnscrolled(f.page, progress)).toBe(true);
  expect(await inViewUnscrolled(f.page, board(f.page).getByRole('button', { name: 'Reveal' }))).toBe(true);
  expect(await linus.page.getByRole('region', { name: 'Writing progress' }).count()).toBe(0);
  setSilentWriting(demo.control.doc, false);

  // Stage 3: the ballots and Reveal lead for the facilitator (the notes opened in stage 1 are folded again).
  seedBottlenecks(demo.board.doc);
  seedInitiatives(demo.board.doc);
  await demo.goToStage(2);
  await stages(f.page).getByRole('heading', { name: 'Stage 3 of 5: Prioritization' }).waitFor();
  const voters = await castBallots(env.server, ws, demo, { people: 2 });
  const ballots = board(f.page).getByRole('list', { name: 'Ballots' });
  // Polled: a ballot is listed from its first score, and the last score may reach this screen a
  // moment after the test's own client saw it.
  await expect.poll(() => ballots.getByRole('listitem').allTextContents(), { timeout: 10_000 }).toEqual([
    '✓ Ada has scored every initiativeDiscard',
    '✓ Bob has scored every initiativeDiscard',
  ]);
  expect(await inViewUnscrolled(f.page, ballots)).toBe(true);
  expect(await inViewUnscrolled(f.page, board(f.page).getByRole('button', { name: 'Reveal' }))).toBe(true);
  // A participant still has the initiatives to score first.
  const first = (await board(linus.page).getByRole('heading', { level: 2 }).allTextContents())[0];
  expect(first).toBe('Initiatives');

  voters.forEach((c) => c.destroy());
  demo.destroy();
  for (const c of [f.context, linus.context, ada.context]) await c.close();
});
