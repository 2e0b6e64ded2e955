// End to end in headless Chromium (SPEC 8): a participant adds and deletes a note; the facilitator's
// `History` region says so, attributed to her, filters by person, `Restore` brings the
// note back on the participant's screen, and `Roll back to here` (after confirming) undoes a later
// note. An observer sees the region without the buttons; a participant has no region at all.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop } from '../helpers/server.js';
import { addNote, lane } from '../helpers/workshopPage.js';

const env = useServerAndBrowser();

const historyOf = (page: Page) => page.getByRole('region', { name: 'History' });
const entry = (page: Page, text: string) => historyOf(page).getByRole('listitem').filter({ hasText: text });

it('shows who changed what, filters it, restores a deleted note and rolls the board back', async () => {
  const ws = await createWorkshop(env.server, { title: 'History workshop' });
  const { page: fran } = await joinAs(env.browser, ws.links.facilitator, 'Fran');
  const { page: alice } = await joinAs(env.browser, ws.links.participant, 'Alice');
  const { page: olga } = await joinAs(env.browser, ws.links.observer, 'Olga');
  expect(await historyOf(alice).count()).toBe(0);

  await addNote(alice, 'Platform', 'Deploys take hours');
  await lane(alice, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take hours' }).getByRole('button', { name: 'Delete' }).click();
  await lane(alice, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take hours' }).waitFor({ state: 'detached' });

  await entry(fran, 'Alice added a Platform note: “Deploys take hours”').waitFor();
  const deletion = entry(fran, 'Alice deleted a Platform note: “Deploys take hours”');
  await deletion.waitFor();
  // The observer reads the same, with no way to change it.
  await entry(olga, 'Alice deleted a Platform note').waitFor();
  expect(await historyOf(olga).getByRole('button').count()).toBe(0);

  // Filters: Fran's own entries (none yet), then Alice's, then a stage nothing happened in.
  const person = historyOf(fran).getByRole('combobox', { name: 'Person' });
  await person.selectOption({ label: 'Alice (participant)' });
  await historyOf(fran).getByRole('listitem').nth(1).waitFor();
  expect(await historyOf(fran).getByRole('listitem').allTextContents()).toEqual([
    expect.stringContaining('Alice deleted a Platform note'),
    expect.stringContaining('Alice added a Platform note'),
  ]);
  await person.selectOption({ label: 'Everyone' });

  await deletion.getByRole('button', { name: 'Restore' }).click();
  await lane(alice, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take hours' }).waitFor();
  const restored = entry(fran, 'Fran restored a Platform note: “Deploys take hours”');
  await restored.waitFor();
  // Restored: no Restore on that entry any more (it could only answer 409), none to roll back to on the
  // newest, and the keyboard stayed on the entry rather than falling to the page body.
  await deletion.getByRole('button', { name: 'Restore' }).waitFor({ state: 'detached' });
  expect(await restored.getByRole('button', { name: 'Roll back to here' }).count()).toBe(0);
  await fran.waitForFunction(() => document.activeElement?.closest('li')?.textContent?.includes('Alice deleted a Platform note'));

  // A later note, then back to right after the restore: the later note goes, as a new change.
  await addNote(alice, 'Product', 'Search is slow');
  await entry(fran, 'Alice added a Product note: “Search is slow”').waitFor();
  await restored.getByRole('button', { name: 'Roll back to here' }).click();
  const confirm = historyOf(fran).getByRole('group', { name: /^Confirm roll back to #/ });
  await confirm.getByRole('button', { name: 'Roll back' }).click();
  await fran.waitForFunction(() => document.activeElement?.closest('li')?.textContent?.includes('Fran restored a Platform note'));
  await lane(alice, 'Product').getByRole('listitem').filter({ hasText: 'Search is slow' }).waitFor({ state: 'detached' });
  await entry(fran, 'Fran rolled the board back to how it was after').waitFor();
  expect(await lane(alice, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take hours' }).count()).toBe(1);
});
