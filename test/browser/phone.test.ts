// End to end in headless Chromium on a phone (390×844, touch): at every stage a participant sees
// the stage's input without scrolling (in stage 3 that is a score, not the New initiative form),
// and the page is never wider than the screen, for a participant, the facilitator and an observer,
// with the scores blind and revealed and with the full decision log open; the header with the
// stage's name and the timer stays in view when the page scrolls. The facilitator's phone shows
// who has finished scoring and `Reveal` without scrolling, and during silent writing who has not
// written yet. The workshop is a realistic one (test/helpers/demoWorkshop.ts).
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedDecisions, seedImpacts, seedInitiatives } from '../helpers/demoWorkshop.js';
import { setSilentWriting } from '../../shared/commands/control.js';

const env = useServerAndBrowser();

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const board = (page: Page) => page.getByRole('region', { name: 'Board' });
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const stageHeading = (page: Page, n: number) => page.getByRole('region', { name: 'Stages' }).getByRole('heading', { name: new RegExp(`^Stage ${n} of 5`) });

/** Where `target` is at the top of the page (not scrolled), and how wide the page is. */
async function aboveTheFold(page: Page, target: Locator): Promise<{ top: number; bottom: number; pageWidth: number }> {
  await target.waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = (await target.boundingBox())!;
  return { top: box.y, bottom: box.y + box.height, pageWidth: await pageWidth(page) };
}

it("shows a participant's input for each stage without scrolling, and no stage is wider than the phone", async () => {
  const ws = await createWorkshop(env.server, { title: 'Platform scaling Q3', template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  seedBottlenecks(demo.board.doc);
  const { page, context } = await joinAs(env.browser, ws.links.participant, 'Linus', PHONE);

  // What a participant does in each stage: write a note, map an impact, score (the first
  // initiative's ROI, with five initiatives and every bottleneck in the New initiative form),
  // choose an approach, name a metric.
  const inputs: [number, (p: Page) => Locator][] = [
    [1, (p) => board(p).getByRole('region', { name: 'Product' }).getByRole('textbox', { name: 'Note', exact: true })],
    [2, (p) => board(p).getByRole('combobox', { name: 'Impact category' }).first()],
    [3, (p) => board(p).getByRole('combobox', { name: /^ROI/ }).first()],
    [4, (p) => board(p).getByRole('combobox', { name: 'Approach' }).first()],
    [5, (p) => board(p).getByRole('textbox', { name: 'Metric' }).first()],
  ];
  const voters = [];
  for (const [n, input] of inputs) {
    if (n === 2) seedImpacts(demo.board.doc);
    if (n === 3) seedInitiatives(demo.board.doc);
    if (n === 4) seedDecisions(demo.board.doc);
    await demo.goToStage(n - 1);
    await stageHeading(page, n).waitFor();
    const at = await aboveTheFold(page, input(page));
    expect(at.top, `stage ${n}: the input starts on screen`).toBeGreaterThanOrEqual(0);
    expect(at.bottom, `stage ${n}: the input ends above the fold (844 px)`).toBeLessThanOrEqual(844);
    expect(at.pageWidth, `stage ${n}: the page is ${at.pageWidth} px wide`).toBeLessThanOrEqual(390);
    if (n === 3) {
      // Revealed: the 2×2 and the ranked list fit the phone too.
      voters.push(...(await castBallots(env.server, ws, demo, { reveal: true })));
      await board(page).getByRole('figure', { name: 'ROI × urgency matrix' }).waitFor();
      await board(page).getByRole('list', { name: 'Ranking' }).getByRole('listitem').first().waitFor();
      expect(await pageWidth(page), 'stage 3 revealed: the page is no wider than the phone').toBeLessThanOrEqual(390);
    }
  }
  // The full decision log (timings, decisions, roadmap and growth tables) scrolls inside itself.
  await page.getByRole('button', { name: 'Show full log' }).click();
  await page.getByRole('heading', { name: 'Parking lot' }).waitFor();
  expect(await pageWidth(page), 'stage 5 with the full log: the page is no wider than the phone').toBeLessThanOrEqual(390);

  // Scrolled to the end of the page, the stage's name and the timer are still in view.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await waitFor(async () => (await page.evaluate(() => window.scrollY)) > 500, 5_000, 'the page scrolled');
  const timer = (await page.getByRole('region', { name: 'Timer' }).boundingBox())!;
  expect(timer.y).toBeGreaterThanOrEqual(0);
  expect(timer.y + timer.height).toBeLessThanOrEqual(844);
  expect(await page.locator('.topbar').textContent()).toContain('Metrics & owners');

  voters.forEach((c) => c.destroy());
  demo.destroy();
  await context.close();
});

it('shows the facilitator on a phone who has finished scoring and Reveal, and who has not written yet, without scrolling', async () => {
  const ws = await createWorkshop(env.server, { title: 'Platform scaling Q3', template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  const { page, context } = await joinAs(env.browser, ws.links.facilitator, 'Grace', PHONE);
  const linus = await joinAs(env.browser, ws.links.participant, 'Linus');
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');

  // Silent writing: Ada writes a note (it stays on her device); Linus has not written yet.
  setSilentWriting(demo.control.doc, true);
  await demo.goToStage(0);
  await ada.page.getByText(/^Silent writing: new notes stay private/).waitFor();
  await ada.page.getByRole('region', { name: 'Product' }).getByRole('textbox', { name: 'Note', exact: true }).fill('Checkout slows down at peak');
  await ada.page.getByRole('region', { name: 'Product' }).getByRole('button', { name: 'Add note' }).click();
  const progress = page.getByRole('region', { name: 'Writing progress' });
  await waitFor(async () => /1 of 2 participants have written/.test((await progress.textContent()) ?? ''), 10_000, 'writing progress');
  const progressText = (await progress.textContent()) ?? '';
  expect(progressText).toMatch(/Ada.*1 waiting/);
  expect(progressText).toMatch(/Linus.*not yet/);
  expect(progressText).not.toContain('Checkout'); // who, never what
  const writers = await aboveTheFold(page, progress);
  expect(writers.bottom).toBeLessThanOrEqual(844);
  const revealNotes = await aboveTheFold(page, board(page).getByRole('button', { name: 'Reveal' }));
  expect(revealNotes.bottom).toBeLessThanOrEqual(844);

  // Stage 3: three people have scored; the facilitator sees their names with a tick and Reveal.
  seedBottlenecks(demo.board.doc);
  seedInitiatives(demo.board.doc);
  await demo.goToStage(2);
  await stageHeading(page, 3).waitFor();
  const voters = await castBallots(env.server, ws, demo);
  const ballots = board(page).getByRole('list', { name: 'Ballots' });
  await waitFor(async () => ((await ballots.textContent()) ?? '').includes('Chen'), 10_000, 'ballots');
  for (const target of [board(page).getByRole('button', { name: 'Reveal' }), ballots]) {
    const at = await aboveTheFold(page, target);
    expect(at.top).toBeGreaterThanOrEqual(0);
    expect(at.bottom).toBeLessThanOrEqual(844);
    expect(at.pageWidth).toBeLessThanOrEqual(390);
  }
  // Polled: a ballot is listed from its first score, its last may arrive a moment later here.
  await expect.poll(() => ballots.textContent(), { timeout: 10_000 }).toMatch(/✓ Ada.*✓ Bob.*✓ Chen/);

  voters.forEach((c) => c.destroy());
  demo.destroy();
  for (const c of [context, linus.context, ada.context]) await c.close();
});

it('is never wider than the phone for the facilitator or an observer, at any stage, blind or revealed, or with the full log open', async () => {
  const ws = await createWorkshop(env.server, { title: 'Platform scaling Q3', template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  seedBottlenecks(demo.board.doc);
  const screens = { facilitator: await joinAs(env.browser, ws.links.facilitator, 'Grace', PHONE), observer: await joinAs(env.browser, ws.links.observer, 'Ada', PHONE) };
  /** Once `shown` is on every screen, no screen is wider than the phone (every screen is measured before a failure is reported). */
  async function fits(what: string, shown: (p: Page) => Locator): Promise<void> {
    for (const [role, { page }] of Object.entries(screens)) {
      await shown(page).waitFor();
      const width = await pageWidth(page);
      expect.soft(width, `${role}, ${what}: the page is ${width} px wide`).toBeLessThanOrEqual(390);
    }
  }
  const card = (title: string) => (p: Page) => board(p).getByRole('article', { name: title, exact: true });

  await fits('before the start, the five stages open', (p) => board(p).getByText('Checkout slows down under peak load'));
  await demo.goToStage(0);
  await fits('stage 1, the timer running', (p) => stageHeading(p, 1));
  seedImpacts(demo.board.doc);
  await demo.goToStage(1);
  await fits('stage 2', (p) => board(p).getByRole('group', { name: /^Impacts of Checkout slows down/ }).getByRole('listitem').first());
  seedInitiatives(demo.board.doc);
  await demo.goToStage(2);
  await fits('stage 3 blind', card('Observability: tracing and SLOs'));
  const voters = await castBallots(env.server, ws, demo, { reveal: true });
  await fits('stage 3 revealed, the 2×2', (p) => board(p).getByRole('figure', { name: 'ROI × urgency matrix' }));
  await fits('stage 3 revealed, the ranked list', (p) => board(p).getByRole('list', { name: 'Ranking' }).getByRole('listitem').first());
  seedDecisions(demo.board.doc);
  await demo.goToStage(3);
  await fits('stage 4', (p) => board(p).getByRole('region', { name: 'Buy', exact: true }).getByRole('article', { name: 'Observability: tracing and SLOs' }));
  await demo.goToStage(4);
  await fits('stage 5', (p) => stageHeading(p, 5));
  await fits('stage 5, a decision with its metrics', card('Observability: tracing and SLOs'));
  for (const { page } of Object.values(screens)) await page.getByRole('button', { name: 'Show full log' }).click();
  await fits('stage 5 with the full log', (p) => p.getByRole('heading', { name: 'Parking lot' }));

  voters.forEach((c) => c.destroy());
  demo.destroy();
  for (const { context } of Object.values(screens)) await context.close();
});
