// End to end in headless Chromium: the room screen for the projector. The facilitator's `Present`
// opens it; a second device opens it with the observer link at 1920×1080. It shows the stage, its
// prompt and a large timer with a progress ring that empties with the stage's time, then the
// revealed board or matrix, live, with no editing controls; the last minute and time up change it
// visibly, and only with the facilitator's setting on does time up play a short sound, once the
// screen has been allowed to.
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

/** The ring's circumference and how much of it is hidden (stroke-dashoffset), read with the digits in one go. */
function ringAndClock(page: Page): Promise<{ circumference: number; hidden: number; digits: string }> {
  return page.evaluate(() => {
    const ring = document.querySelector('.room-ring-left')!;
    return {
      circumference: Number(ring.getAttribute('stroke-dasharray')),
      hidden: Number(ring.getAttribute('stroke-dashoffset')),
      digits: document.querySelector('.room-clock-digits')!.textContent ?? '',
    };
  });
}

/** Lets the page finish what the last render started (React runs effects after paint). */
const settled = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));

const oscillators = (page: Page) => page.evaluate(() => (window as unknown as { oscillators: number }).oscillators);

/** A workshop with its facilitator's screen and its room screen (counting the sounds it makes). */
async function roomScreenWithFacilitator(title: string) {
  const ws = await createWorkshop(env.server, { title, template: 'scaleup' });
  const demo = await openDemoSession(env.server, ws);
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const context = await env.browser.newContext({ viewport: ROOM });
  const room = await context.newPage();
  await room.addInitScript(countOscillators);
  await room.goto(ws.links.observer.replace('#', '/present#'));
  return { ws, demo, f, context, room };
}

it('empties its ring as the time runs, turns amber in the last minute and, when the facilitator enables it, chimes at zero once the screen allows sound', async () => {
  const { ws, demo, f, context, room } = await roomScreenWithFacilitator('Cue');
  const timerRegion = room.getByRole('region', { name: 'Timer' });
  await timerRegion.getByRole('timer').waitFor();
  const ringColour = () => room.locator('.room-ring-left').evaluate((el) => getComputedStyle(el).stroke);
  const normal = await ringColour();
  // Not started, all 20 minutes left: the ring is whole.
  const whole = await ringAndClock(room);
  expect(whole.digits).toBe('20:00');
  expect(whole.circumference).toBeGreaterThan(0);
  expect(whole.hidden).toBe(0);

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
  // Polled: the ring's colour changes over a 0.6 s transition.
  await waitFor(async () => (await ringColour()) !== normal, 5_000, 'the ring turning amber');
  // The ring shows the share of the stage's time left (1 minute now): with s seconds on the clock
  // (rounded up), between (s - 1)/60 and s/60 of it is drawn, and it empties as the clock runs.
  const first = await ringAndClock(room);
  const seconds = Number(first.digits.split(':')[1]) + 60 * Number(first.digits.split(':')[0]);
  const drawn = 1 - first.hidden / first.circumference;
  expect(drawn).toBeGreaterThan((seconds - 1) / 60 - 1e-6);
  expect(drawn).toBeLessThanOrEqual(seconds / 60 + 1e-6);
  expect(first.hidden).toBeGreaterThan(0);
  await waitFor(async () => (await ringAndClock(room)).hidden > first.hidden, 5_000, 'the ring emptying');
  // The workshop page's timer changes too.
  const header = f.page.getByRole('region', { name: 'Timer' });
  await waitFor(async () => (await header.getAttribute('class'))!.includes('timer-last-minute'), 5_000, 'last minute on the workshop page');
  expect(await header.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(255, 255, 255)');
  expect(await oscillators(room)).toBe(0);

  // Time is up: overtime shows, and the chime plays once (two notes).
  addMinutes(demo.control.doc, -1);
  await waitFor(async () => (await timerRegion.getByRole('timer').textContent())!.startsWith('Overtime'), 5_000, 'overtime');
  await waitFor(async () => (await oscillators(room)) === 2, 5_000, 'chime');
  // Time up: the ring is empty.
  const empty = await ringAndClock(room);
  expect(empty.hidden).toBeCloseTo(empty.circumference, 6);

  demo.destroy();
  await context.close();
  await f.context.close();
});

it('stays silent at zero while the sound setting is off, even on a screen that was allowed to play sound', async () => {
  const { ws, demo, f, context, room } = await roomScreenWithFacilitator('Quiet');
  const timer = room.getByRole('region', { name: 'Timer' }).getByRole('timer');
  await timer.waitFor();
  const soundSetting = f.page.getByRole('checkbox', { name: 'Sound on the room screen when time is up' });
  /** Time runs out (from the last minute), and the page has finished reacting to it. */
  async function timeRunsOut(): Promise<void> {
    addMinutes(demo.control.doc, -1);
    await waitFor(async () => (await timer.getAttribute('data-phase')) === 'overtime', 5_000, 'overtime');
    await settled(room);
  }
  /** Back in the last minute, so that time can run out again. */
  async function oneMoreMinute(): Promise<void> {
    addMinutes(demo.control.doc, 1);
    await waitFor(async () => (await timer.getAttribute('data-phase')) === 'last-minute', 5_000, 'last minute');
  }

  // The setting was never on: nothing to enable on the room screen, and no sound at zero.
  expect(await soundSetting.isChecked()).toBe(false);
  expect(await room.getByRole('button', { name: 'Enable sound' }).count()).toBe(0);
  await f.page.getByRole('button', { name: 'Start timer' }).click();
  await waitFor(async () => (await timer.getAttribute('data-status')) === 'running', 5_000, 'running');
  addMinutes(demo.control.doc, -19);
  await waitFor(async () => (await timer.getAttribute('data-phase')) === 'last-minute', 5_000, 'last minute');
  await timeRunsOut();
  expect(await oscillators(room)).toBe(0);

  // On, the screen allowed to play sound, then off again before time runs out: still silent.
  await oneMoreMinute();
  await soundSetting.check();
  await room.getByRole('button', { name: 'Enable sound' }).click();
  await room.getByText('Sound on when time is up').waitFor();
  await soundSetting.uncheck();
  await waitFor(async () => (await room.getByText('Sound on when time is up').count()) === 0, 5_000, 'the room screen told the sound is off');
  await timeRunsOut();
  expect(await oscillators(room)).toBe(0);

  // The same screen with the setting on again does chime, so the silence above was the setting's.
  await oneMoreMinute();
  await soundSetting.check();
  await room.getByText('Sound on when time is up').waitFor();
  await timeRunsOut();
  await waitFor(async () => (await oscillators(room)) === 2, 5_000, 'chime');

  demo.destroy();
  await context.close();
  await f.context.close();
});
