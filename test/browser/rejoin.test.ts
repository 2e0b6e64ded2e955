// End to end in headless Chromium: joining. A first visit asks `Your name` and says in words what
// the link joins as; a person who joined on this browser goes straight back in after a reload
// (and in another tab), as the same person; another browser is asked again.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';

const env = useServerAndBrowser();

const participants = (page: Page) =>
  page.getByRole('region', { name: 'Participants' }).getByRole('listitem').allTextContents();

it('asks a first visit for a name, says what the link joins as, and lets a reloaded person straight back in', async () => {
  const ws = await createWorkshop(env.server, { title: 'Rejoin e2e', template: 'scaleup' });

  // What each link joins as, said as a sentence.
  for (const [role, words] of [
    ['facilitator', 'the facilitator'],
    ['participant', 'a participant'],
    ['observer', 'an observer'],
  ] as const) {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(ws.links[role]);
    await page.getByText(`You are joining as ${words}.`, { exact: true }).waitFor();
    await context.close();
  }

  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');
  await waitFor(async () => (await participants(ada.page)).some((t) => t.includes('Ada') && t.includes('(you)')), 10_000, 'Ada present');

  // A reload: no name form, straight back in as the same person.
  await ada.page.reload();
  await ada.page.getByText('Connected', { exact: true }).waitFor({ timeout: 15_000 });
  expect(await ada.page.getByLabel('Your name').count()).toBe(0);
  await waitFor(async () => {
    const list = await participants(ada.page);
    return list.length === 1 && list[0]!.includes('Ada') && list[0]!.includes('(you)');
  }, 10_000, 'Ada alone, as herself, after the reload');

  // Another tab of the same browser is the same person too.
  const tab = await ada.context.newPage();
  await tab.goto(ws.links.participant);
  await tab.getByText('Connected', { exact: true }).waitFor({ timeout: 15_000 });
  expect(await tab.getByLabel('Your name').count()).toBe(0);
  await waitFor(async () => (await participants(tab)).length === 1, 10_000, 'one person in two tabs');

  // Another browser is somebody else: asked for a name.
  const other = await env.browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(ws.links.participant);
  await stranger.getByLabel('Your name').waitFor();
  await other.close();
  await ada.context.close();
}, 60_000);
