// The workshop page as browser tests drive it: the regions and the stage-3 steps several flows take.
import type { Page } from 'playwright-core';

export const boardOf = (page: Page) => page.getByRole('region', { name: 'Board' });
export const card = (page: Page, title: string) => boardOf(page).getByRole('article', { name: title, exact: true });
export const stageHeading = (page: Page, n: number, title: string) =>
  page.getByRole('region', { name: 'Stages' }).getByRole('heading', { name: `Stage ${n} of 5: ${title}` });

/** Gives an initiative card both blind scores through its selects. */
export async function score(page: Page, title: string, roi: number, urgency: number): Promise<void> {
  await card(page, title).getByLabel('ROI').selectOption(String(roi));
  await card(page, title).getByLabel('Urgency').selectOption(String(urgency));
}

/** Creates an initiative from the named bottlenecks with the New initiative form, and waits for its card. */
export async function createInitiative(page: Page, notes: string[], title: string): Promise<void> {
  const form = boardOf(page).getByRole('form', { name: 'New initiative' });
  for (const n of notes) await form.getByLabel(n).check();
  await form.getByLabel('Initiative title').fill(title);
  await form.getByRole('button', { name: 'Create initiative' }).click();
  await card(page, title).waitFor();
}

/** A lane of the stage 1–2 board: `Product`, `Platform` or `Organization`. */
export const lane = (page: Page, name: string) => boardOf(page).getByRole('region', { name, exact: true });

/** Adds a note to a lane with its `Note` field and `Add note`, and waits for it in that lane. */
export async function addNote(page: Page, laneName: string, text: string): Promise<void> {
  const l = lane(page, laneName);
  await l.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await l.getByRole('button', { name: 'Add note' }).click();
  await l.getByRole('listitem').filter({ hasText: text }).first().waitFor();
}

/** Edits a note of a lane in place (`Edit`, `Edit note`, `Save`), and waits for the new text there. */
export async function editNote(page: Page, laneName: string, from: string, to: string): Promise<void> {
  const note = lane(page, laneName).getByRole('listitem').filter({ hasText: from });
  await note.getByRole('button', { name: 'Edit' }).click();
  await note.getByRole('textbox', { name: 'Edit note' }).fill(to);
  await note.getByRole('button', { name: 'Save' }).click();
  await lane(page, laneName).getByRole('listitem').filter({ hasText: to }).first().waitFor();
}

/** The page is controlled by the service worker with the app shell cached: a reload works offline. */
export async function shellCached(page: Page): Promise<void> {
  await page.waitForFunction(async () => !!navigator.serviceWorker.controller && !!(await caches.match('/')), undefined, { timeout: 15_000, polling: 50 });
}
