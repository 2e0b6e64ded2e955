// End to end in headless Chromium: presence after the server restarts. A facilitator and two
// participants are in the room; the server stops (every screen drops to only its own person) and
// comes back; every screen must list all three within 2 s of the last screen saying `Connected`
// (issue 13), not after the 15 s presence renewal (y-protocols ignores a re-announcement at a
// clock it has already seen).
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';

const env = useServerAndBrowser();

/**
 * The requirement. Counted from the moment the *last* screen says `Connected`: screens
 * come back up to 5 s apart (jittered back-off), and a screen cannot list someone who is not
 * connected yet.
 */
const PRESENCE_AFTER_LAST_CONNECTED_MS = 2_000;

const namesIn = (page: Page) =>
  page
    .getByRole('region', { name: 'Participants' })
    .locator('li .name')
    .allTextContents()
    .then((names) => names.sort());

const status = (page: Page) => page.locator('.connection').getAttribute('data-status');

it('lists everyone on every screen right after reconnecting to a restarted server', async () => {
  const ws = await createWorkshop(env.server, { title: 'Presence e2e', template: 'scaleup' });
  const people = [
    await joinAs(env.browser, ws.links.facilitator, 'Grace'),
    await joinAs(env.browser, ws.links.participant, 'Ada'),
    await joinAs(env.browser, ws.links.participant, 'Bob'),
  ];
  const pages = people.map((p) => p.page);
  const everyone = ['Ada', 'Bob', 'Grace'];
  for (const page of pages) await waitFor(async () => JSON.stringify(await namesIn(page)) === JSON.stringify(everyone), 10_000, 'everyone present');

  // The server goes away: every screen is left with only its own person.
  await env.server.stop();
  for (const [i, page] of pages.entries()) {
    await waitFor(async () => (await status(page)) === 'reconnecting', 10_000, 'reconnecting');
    await waitFor(async () => (await namesIn(page)).length === 1, 5_000, 'others gone');
    expect(await namesIn(page)).toEqual([['Grace', 'Ada', 'Bob'][i]]);
  }

  env.server = await env.server.restart();
  const connectedAt: number[] = [];
  const completeAt: number[] = [];
  await Promise.all(
    pages.map(async (page, i) => {
      await waitFor(async () => (await status(page)) === 'connected', 20_000, `screen ${i} connected`);
      connectedAt[i] = Date.now();
      // Generous here: an early screen waits for the others to come back; the bound is asserted below.
      await waitFor(async () => JSON.stringify(await namesIn(page)) === JSON.stringify(everyone), 20_000, `screen ${i} listing everyone`);
      completeAt[i] = Date.now();
    }),
  );
  const lastConnected = Math.max(...connectedAt);
  for (const [i, at] of completeAt.entries()) {
    expect(at - lastConnected, `screen ${i}: everyone listed ${at - lastConnected} ms after the last screen said Connected`).toBeLessThanOrEqual(
      PRESENCE_AFTER_LAST_CONNECTED_MS,
    );
  }
  for (const p of people) await p.context.close();
}, 90_000);
