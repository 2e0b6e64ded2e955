// End to end in headless Chromium: the room screen for the projector. The facilitator's `Present`
// opens it; a second device opens it with the observer link at 1920×1080. It shows the stage, its
// prompt and a large timer with a progress ring, then the revealed board or matrix, live, with no
// editing controls; the last minute and time up change it visibly, and with the facilitator's
// setting on, time up plays a short sound once the screen has been allowed to.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedImpacts, seedInitiatives } from '../helpers/demoWorkshop.js';
import { addMinutes } from '../../shared/commands/control.js';
import { addNote } from '../../shared/commands/notes.js';

const env = useServerAndBrowser();

const ROOM = { width: 1920, height: 1080 };
/** Every control a person could edit with; the room screen has none. */
const EDITING_ROLES = ['textbox', 'combobox', 'checkbox', 'spinbutton', 'radio', 'slider', 'switch'] as const;

async function editingControls(page: Page): Promise<number> {
  let n = 0;
  for (const role of EDITING_ROLES) n += await page.getByRole(role).count();
  return n;
}

/** Counts the oscillators the page starts (the end-of-stage chime), before any script of the page runs. */
function countOscillators(): void {
  const w = window as unknown as { oscillators: number };
  w.oscillators = 0;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    w.oscillators++;
    return create.call(this);
  };
}

it('opens the room screen from Present and on a second screen: stage, prompt and timer, live, with no editing controls', async () => {
  const ws = await createWorkshop(env.server, { title: 'Platform scaling Q3', template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  seedBottlenecks(demo.board.doc);
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');

  // Present opens the room screen in a new window, on the facilitator's own link.
  const [presented] = await Promise.all([f.context.waitForEvent('page'), f.page.getByRole('button', { name: 'Present' }).click()]);
  await presented.waitForURL(/\/w\/[^/]+\/present#token=/);
  await presented.getByRole('heading', { level: 1, name: 'Bottleneck mapping' }).waitFor();

  // A second device opens it with the observer link.
  const context = await env.browser.newContext({ viewport: ROOM });
  const room = await context.newPage();
  await room.goto(ws.links.observer.replace('#', '/present#'));
  const stage = room.getByRole('region', { name: 'Stage' });
  await stage.getByRole('heading', { level: 1, name: 'Bottleneck mapping' }).waitFor();
  expect(await stage.textContent()).toContain('Stage 1 of 5');
  expect(await stage.textContent()).toContain('Where does growth hurt? Think SLO misses');
  const timer = room.getByRole('region', { name: 'Timer' }).getByRole('timer');
  expect(await timer.textContent()).toBe('Time left 20:00');
  for (const target of [stage, timer]) {
    const box = (await target.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(ROOM.height);
  }
  // Readable from the back of the room: the stage's name in large type, the digits larger still.
  const px = (sel: string) => room.locator(sel).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(await px('.room-stage-title')).toBeGreaterThanOrEqual(60);
  expect(await px('.room-clock-digits')).toBeGreaterThanOrEqual(60);

  // The board as it is, live: the seeded notes, then one more.
  const board = room.getByRole('region', { name: 'Board' });
  await board.getByText('Checkout slows down under peak load').waitFor();
  addNote(demo.board.doc, { lane: 'org', text: 'Hiring bar differs across teams', author: { id: 'x', name: 'Ada', color: '#336699' }, now: Date.now() });
  await board.getByText('Hiring bar differs across teams').waitFor();

  // Nothing to edit, not even a button (the sound setting is off), and nobody new in the room.
  expect(await editingControls(room)).toBe(0);
  expect(await room.getByRole('button').count()).toBe(0);
  expect(await editingControls(presented)).toBe(0);
  const participants = f.page.getByRole('region', { name: 'Participants' });
  expect(await participants.getByRole('listitem').count()).toBe(1);

  // The stage follows the facilitator; stage 3 after the reveal shows the 2×2 and the ranking.
  seedImpacts(demo.board.doc);
  seedInitiatives(demo.board.doc);
  await demo.goToStage(2);
  await stage.getByRole('heading', { level: 1, name: 'Prioritization' }).waitFor();
  const voters = await castBallots(env.server, ws, demo);
  await board.getByText('3 ballots from 3 people').waitFor();
  expect(await board.textContent()).not.toMatch(/ROI \d/); // blind: names, never scores
  await f.page.getByRole('button', { name: 'Reveal' }).click();
  await board.getByRole('figure', { name: 'ROI × urgency matrix' }).waitFor();
  await board.getByRole('listitem').filter({ hasText: 'Observability: tracing and SLOs' }).waitFor();
  expect(await editingControls(room)).toBe(0);
  expect(await room.getByRole('button').count()).toBe(0);

  voters.forEach((c) => c.destroy());
  demo.destroy();
  await presented.close();
  await context.close();
  await f.context.close();
});

it('turns amber in the last minute and, when the facilitator enables it, chimes at zero once the screen allows sound', async () => {
  const ws = await createWorkshop(env.server, { title: 'Cue', template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const context = await env.browser.newContext({ viewport: ROOM });
  const room = await context.newPage();
  await room.addInitScript(countOscillators);
  await room.goto(ws.links.observer.replace('#', '/present#'));
  const timerRegion = room.getByRole('region', { name: 'Timer' });
  await timerRegion.getByRole('timer').waitFor();
  const ringColour = () => room.locator('.room-ring-left').evaluate((el) => getComputedStyle(el).stroke);
  const normal = await ringColour();

  // The facilitator turns the sound on; the room screen asks once for the gesture browsers need.
  await f.page.getByRole('checkbox', { name: 'Sound on the room screen when time is up' }).check();
  await room.getByRole('button', { name: 'Enable sound' }).click();
  await room.getByText('Sound on when time is up').waitFor();

  // The timer runs; removing 19 of its 20 minutes puts it in its last minute: a visible change.
  await f.page.getByRole('button', { name: 'Start timer' }).click();
  await waitFor(async () => (await timerRegion.getByRole('timer').getAttribute('data-status')) === 'running', 5_000, 'running');
  addMinutes(demo.control.doc, -19);
  await waitFor(async () => (await timerRegion.getAttribute('class'))!.includes('timer-last-minute'), 5_000, 'last minute');
  expect(await timerRegion.getByRole('timer').textContent()).toMatch(/^Last minute 0[01]:\d\d$/);
  expect(await ringColour()).not.toBe(normal);
  // The workshop page's timer changes too.
  const header = f.page.getByRole('region', { name: 'Timer' });
  await waitFor(async () => (await header.getAttribute('class'))!.includes('timer-last-minute'), 5_000, 'last minute on the workshop page');
  expect(await header.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(255, 255, 255)');
  expect(await room.evaluate(() => (window as unknown as { oscillators: number }).oscillators)).toBe(0);

  // Time is up: overtime shows, and the chime plays once (two notes).
  addMinutes(demo.control.doc, -1);
  await waitFor(async () => (await timerRegion.getByRole('timer').textContent())!.startsWith('Overtime'), 5_000, 'overtime');
  await waitFor(async () => (await room.evaluate(() => (window as unknown as { oscillators: number }).oscillators)) === 2, 5_000, 'chime');

  demo.destroy();
  await context.close();
  await f.context.close();
});
