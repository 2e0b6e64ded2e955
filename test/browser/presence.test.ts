// End to end in headless Chromium: presence after the server restarts. A facilitator and two
// participants are in the room; the server stops (every screen drops to only its own person) and
// comes back; each screen must list all three again right after it says `Connected`, not after
// the 15 s presence renewal (y-protocols ignores a re-announcement at a clock it has already seen).
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';

const env = useServerAndBrowser();

/** Well under the 15 s renewal that hides today's bug, well over a reconnect and a relay. */
const PRESENCE_AFTER_CONNECTED_MS = 8_000;

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
  await Promise.all(
    pages.map(async (page, i) => {
      await waitFor(async () => (await status(page)) === 'connected', 20_000, `screen ${i} connected`);
      const connectedAt = Date.now();
      await waitFor(
        async () => JSON.stringify(await namesIn(page)) === JSON.stringify(everyone),
        PRESENCE_AFTER_CONNECTED_MS,
        `screen ${i} listing everyone after reconnecting`,
      );
      // Logged, not asserted: how long this screen showed an incomplete room after `Connected`.
      console.log(`presence complete on screen ${i} ${Date.now() - connectedAt} ms after Connected`);
    }),
  );
  for (const p of people) await p.context.close();
}, 90_000);
