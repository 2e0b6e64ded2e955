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
