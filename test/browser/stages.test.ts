// End to end in headless Chromium: a facilitator and a participant on the same workshop.
// `Next stage` moves both screens; `Start timer` shows the same countdown on both.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';

const env = useServerAndBrowser();

const currentStage = (page: Page) => page.getByRole('region', { name: 'Stages' }).locator('li[aria-current="step"] .stage-title').textContent();
const timer = (page: Page) => page.getByRole('region', { name: 'Timer' }).getByRole('timer');
/** Seconds shown on the countdown (`Time left 14:58` → 898). */
async function shownSeconds(page: Page): Promise<number> {
  const text = (await timer(page).textContent()) ?? '';
  const m = /Time left (\d+):(\d{2})/.exec(text);
  if (!m) throw new Error(`unexpected timer text: ${text}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

it('moves both screens with Next stage and shows the same countdown after Start timer', async () => {
  const ws = await createWorkshop(env.server, { title: 'Stages e2e', template: 'scaleup' });
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const p = await joinAs(env.browser, ws.links.participant, 'Linus');

  // Both start in stage 1 with the template's prompt; only the facilitator has the controls.
  for (const page of [f.page, p.page]) {
    expect(await currentStage(page)).toBe('1. Bottleneck mapping');
    expect(await timer(page).textContent()).toBe('Time left 20:00');
    await page.getByRole('region', { name: 'Stages' }).getByText(/SLO misses/).waitFor();
  }
  for (const name of ['Next stage', 'Start timer', 'Lock board']) {
    expect(await p.page.getByRole('button', { name }).count()).toBe(0);
  }

  await f.page.getByRole('button', { name: 'Next stage' }).click();
  for (const page of [f.page, p.page]) {
    await page.getByRole('region', { name: 'Stages' }).getByRole('heading', { name: 'Stage 2 of 5: Impact mapping' }).waitFor();
    expect(await currentStage(page)).toBe('2. Impact mapping');
    await page.getByRole('region', { name: 'Board' }).and(page.locator('[data-stage="impact"]')).waitFor();
  }
  // The participant's screen reader hears the stage change.
  await waitFor(async () => (await p.page.getByTestId('stage-announcer').textContent()) === 'Stage 2 of 5: Impact mapping.', 5_000, 'announcement');

  await f.page.getByRole('button', { name: 'Start timer' }).click();
  await f.page.getByRole('button', { name: 'Pause timer' }).waitFor();
  // Both compute the countdown from the same absolute end time in server time.
  const endsAt = async (page: Page) => Number(await timer(page).getAttribute('data-ends-at'));
  await waitFor(async () => (await endsAt(p.page)) > 0, 5_000, 'participant sees the timer running');
  expect(await endsAt(p.page)).toBe(await endsAt(f.page));
  // And they show the same time: read the participant between two reads of the facilitator; it
  // falls between them, give or take the one second a display refresh may lag across a boundary.
  await waitFor(async () => (await shownSeconds(f.page)) < 20 * 60, 5_000, 'countdown running');
  const before = await shownSeconds(f.page);
  const onParticipant = await shownSeconds(p.page);
  const after = await shownSeconds(f.page);
  expect(onParticipant).toBeLessThanOrEqual(before + 1);
  expect(onParticipant).toBeGreaterThanOrEqual(after - 1);

  // Paused, the two screens show exactly the same text.
  await f.page.getByRole('button', { name: 'Pause timer' }).click();
  await waitFor(async () => (await timer(p.page).getAttribute('data-status')) === 'paused', 5_000, 'participant sees the pause');
  await waitFor(async () => (await timer(p.page).textContent()) === (await timer(f.page).textContent()), 2_000, 'same paused time');
  expect(await f.page.getByRole('button', { name: 'Resume timer' }).count()).toBe(1);

  await p.context.close();
  await f.context.close();
});
