// End to end in headless Chromium, offline (SPEC 10, issue 17). A participant loses the network,
// adds and edits notes (one that the other participant edits meanwhile), reloads the page with no
// network at all (the service worker serves the app, IndexedDB the board, localStorage the session
// answers) and still sees and writes them;
// back online, both screens converge with every edit. And a board the facilitator locked
// meanwhile (and moved to the next stage): the server reverts the offline edit on reconnect and the
// person is told both.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { addNote, editNote, lane, shellCached } from '../helpers/workshopPage.js';

const env = useServerAndBrowser();

const LANES = ['Product', 'Platform', 'Organization'] as const;

/** Every note's text on the board, lane by lane, sorted within a lane. */
async function board(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of LANES) {
    const items = lane(page, name).getByRole('list', { name: `${name} notes` }).getByRole('listitem');
    out[name] = (
      await items.evaluateAll((lis) =>
        lis
          .filter((li) => li.hasAttribute('data-note-id'))
          .map((li) => (li.getAttribute('aria-labelledby') ? document.getElementById(li.getAttribute('aria-labelledby')!)?.textContent : li.textContent) ?? ''),
      )
    ).sort();
  }
  return out;
}

const badge = (page: Page) => page.locator('.topbar .connection');

it('keeps working offline through a reload and converges with the other participant on reconnect', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Offline e2e', template: 'scaleup' });
  const a = await joinAs(env.browser, ws.links.participant, 'Ada');
  const b = await joinAs(env.browser, ws.links.participant, 'Bob');
  await addNote(b.page, 'Product', 'Checkout is slow');
  await lane(a.page, 'Product').getByRole('listitem').filter({ hasText: 'Checkout is slow' }).waitFor();
  await shellCached(a.page);

  // Ada loses the network: the header says so, and counts what she writes.
  await a.context.setOffline(true);
  await badge(a.page).filter({ hasText: /^Offline/ }).waitFor();
  await addNote(a.page, 'Platform', 'Deploys take 3 hours');
  await editNote(a.page, 'Product', 'Checkout is slow', 'Checkout is slow at peak');
  await expect.poll(() => badge(a.page).textContent()).toMatch(/^Offline\. [1-9]\d* changes? wait/);
  // Meanwhile Bob writes too, and edits the note Ada edited offline (at its other end).
  await addNote(b.page, 'Organization', 'On-call is thin');
  await editNote(b.page, 'Product', 'Checkout is slow', 'Mobile checkout is slow');

  // A note she has begun and not yet added (a draft).
  await lane(a.page, 'Organization').getByRole('textbox', { name: 'Note', exact: true }).fill('Half a thought');

  // A reload with no network: the app, the board, Ada's offline edits and her draft are all there.
  await a.page.reload();
  await lane(a.page, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take 3 hours' }).waitFor({ timeout: 15_000 });
  expect(await board(a.page)).toEqual({ Product: ['Checkout is slow at peak'], Platform: ['Deploys take 3 hours'], Organization: [] });
  await badge(a.page).filter({ hasText: /^Offline/ }).waitFor();
  expect(await lane(a.page, 'Organization').getByRole('textbox', { name: 'Note', exact: true }).inputValue()).toBe('Half a thought');
  // And she goes on writing.
  await addNote(a.page, 'Organization', 'Nobody owns the data platform');
  await expect.poll(() => badge(a.page).textContent()).toMatch(/^Offline\. [1-9]\d* changes? wait/);

  // Back online: both screens end the same, with every edit.
  await a.context.setOffline(false);
  const expected = {
    Product: ['Mobile checkout is slow at peak'],
    Platform: ['Deploys take 3 hours'],
    Organization: ['Nobody owns the data platform', 'On-call is thin'],
  };
  for (const page of [a.page, b.page]) await waitFor(async () => JSON.stringify(await board(page)) === JSON.stringify(expected), 20_000, 'both boards to converge');
  await badge(a.page).filter({ hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });

  // Leave workshop: this device forgets the workshop (its databases, the person, the cached answers).
  const workshopId = ws.id;
  const kept = () =>
    a.page.evaluate(async (id) => {
      const dbs = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.includes(id));
      return [...dbs, ...Object.keys(localStorage).filter((k) => k.includes(id))];
    }, workshopId);
  expect((await kept()).length).toBeGreaterThan(0);
  await a.page.getByRole('button', { name: 'Leave workshop' }).click();
  await a.page.getByRole('button', { name: 'New workshop' }).waitFor();
  await expect.poll(kept).toEqual([]);
});

it('reverts offline edits to a board the facilitator locked meanwhile, and says so', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Offline lock e2e', template: 'scaleup' });
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const a = await joinAs(env.browser, ws.links.participant, 'Ada');
  await addNote(a.page, 'Product', 'Checkout is slow');
  await lane(f.page, 'Product').getByRole('listitem').filter({ hasText: 'Checkout is slow' }).waitFor();
  await shellCached(a.page);

  await a.context.setOffline(true);
  await badge(a.page).filter({ hasText: /^Offline/ }).waitFor();
  await editNote(a.page, 'Product', 'Checkout is slow', 'Edited while offline');
  await f.page.getByRole('button', { name: 'Lock board' }).click();
  await f.page.getByRole('button', { name: 'Unlock board' }).waitFor();
  await f.page.getByRole('button', { name: 'Next stage' }).click();
  // The reload path too: the offline edit comes back from this browser's storage, still waiting.
  await a.page.reload();
  await lane(a.page, 'Product').getByRole('listitem').filter({ hasText: 'Edited while offline' }).waitFor({ timeout: 15_000 });
  await expect.poll(() => badge(a.page).textContent()).toMatch(/^Offline\. [1-9]\d* changes? wait/);

  await a.context.setOffline(false);
  await a.page.getByRole('alert').filter({ hasText: 'The board was locked while you were offline' }).waitFor({ timeout: 20_000 });
  // And the stage change she missed is said, not just shown.
  await a.page.getByRole('status').filter({ hasText: 'While you were offline, the workshop moved to stage 2 of 5' }).waitFor();
  await waitFor(async () => JSON.stringify((await board(a.page)).Product) === '["Checkout is slow"]', 15_000, "the server to revert Ada's offline edit");
  expect((await board(f.page)).Product).toEqual(['Checkout is slow']);
});
