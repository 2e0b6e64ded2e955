// End to end in headless Chromium, read by an observer's own client (a stock y-websocket client, as
// anyone with the observer link could write): in an anonymous workshop nothing the observer
// receives ties a note to the person who wrote it. Not the notes' author fields (test/server/
// anonymity.test.ts), not the Yjs client id every note and keystroke carries (y-websocket's default
// presence shares it, so matching the two named the author), not a "typing…" on the note being edited.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { addNote, lane } from '../helpers/workshopPage.js';
import { readBoard } from '../../shared/schema.js';

const env = useServerAndBrowser();

type Presence = { user?: { name?: string }; editing?: unknown };

/** Starts editing a note in place (focus in `Edit note`, nothing saved). */
async function startEditing(page: Page, text: string): Promise<void> {
  const note = lane(page, 'Product').getByRole('listitem').filter({ hasText: text });
  await note.getByRole('button', { name: 'Edit' }).click();
  await note.getByRole('textbox', { name: 'Edit note' }).focus();
}

async function stopEditing(page: Page, text: string): Promise<void> {
  await lane(page, 'Product').getByRole('listitem').filter({ hasText: text }).getByRole('button', { name: 'Save' }).click();
}

it('gives an observer nothing that ties an anonymous note to its author: no author, no shared client id, no typing on the note', async () => {
  const ws = await createWorkshop(env.server, { title: 'Anonymous room' });
  const grace = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const linus = await joinAs(env.browser, ws.links.participant, 'Linus');
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');
  const observer = connectClient(env.server.wsUrl, ws.id, ws.tokens.observer);
  try {
    await waitSynced(observer);
    const { awareness } = observer.provider;
    const presenceOf = (name: string): [number, Presence] | undefined =>
      [...(awareness.getStates() as Map<number, Presence>)].find(([, s]) => s.user?.name === name);
    await waitFor(() => ['Grace', 'Linus', 'Ada'].every((n) => presenceOf(n)), 10_000, 'everyone present for the observer');

    // Before anonymity, presence says who edits which note: the check below is meaningful.
    await addNote(linus.page, 'Product', 'Checkout is slow');
    await startEditing(linus.page, 'Checkout is slow');
    await waitFor(() => typeof presenceOf('Linus')?.[1].editing === 'string', 5_000, 'Linus editing, as the observer sees it');
    await grace.page.getByText('Linus editing…').waitFor();
    await stopEditing(linus.page, 'Checkout is slow');

    await grace.page.getByRole('checkbox', { name: 'Anonymous' }).check();
    for (const page of [linus.page, ada.page]) await page.getByText('Anonymous: authors are hidden.', { exact: false }).waitFor();
    await addNote(ada.page, 'Product', 'Search times out');
    await addNote(linus.page, 'Product', 'Deploys take hours');
    await waitFor(() => readBoard(observer.doc).notes.length === 3, 10_000, 'the observer has every note');

    // Linus edits again: his presence is renewed (a newer clock) but says nothing of the note.
    const [linusId] = presenceOf('Linus')!;
    const clockBefore = awareness.meta.get(linusId)!.clock;
    await startEditing(linus.page, 'Deploys take hours');
    await waitFor(() => awareness.meta.get(linusId)!.clock > clockBefore, 5_000, "Linus's presence renewed as he edits");
    expect(presenceOf('Linus')![1]).not.toHaveProperty('editing');
    // Nor does any screen say who edits which note.
    await grace.page.waitForTimeout(300);
    expect(await grace.page.getByText(/editing…/).count()).toBe(0);
    await stopEditing(linus.page, 'Deploys take hours');

    // The notes hold no names, and no one's presence shares a client id with anything in the board.
    const notes = readBoard(observer.doc).notes;
    expect(notes.every((n) => !n.author.id && !n.author.name)).toBe(true);
    const writers = new Set(observer.doc.store.clients.keys());
    const people = ['Grace', 'Linus', 'Ada'].map((n) => presenceOf(n)![0]);
    expect(people.filter((id) => writers.has(id))).toEqual([]);
    // Each person's edits did arrive under some client id (the check above had something to miss).
    expect(writers.size).toBeGreaterThanOrEqual(3);
  } finally {
    observer.destroy();
    for (const p of [grace, linus, ada]) await p.context.close();
  }
});
