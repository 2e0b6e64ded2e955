// End to end in headless Chromium, stage 1 of the board: two participants add notes in different
// lanes, one moves a note to another lane by keyboard (handle, Space, ArrowRight, Space) and both
// boards end the same; with silent writing on, a participant's new note stays on their screen
// only until the facilitator presses Reveal, then everyone has it. With the mouse: a note dragged
// to another lane, and onto another note to merge them (undone again with Undo). By touch: press
// and hold a handle, then move the note to another lane.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { connectClient, waitSynced } from '../helpers/clients.js';
import { addNote as addNoteCommand } from '../../shared/commands/notes.js';

const env = useServerAndBrowser();

const LANES = ['Product', 'Platform', 'Organization'] as const;
type Lanes = Record<(typeof LANES)[number], string[]>;

const lane = (page: Page, name: string) => page.getByRole('region', { name: 'Board' }).getByRole('region', { name, exact: true });

/** Each lane's notes, in order, by their accessible names (the note texts). */
async function lanesOf(page: Page): Promise<Lanes> {
  const out = {} as Lanes;
  for (const name of LANES) {
    const items = lane(page, name).getByRole('list', { name: `${name} notes` }).getByRole('listitem');
    out[name] = await items.evaluateAll((lis) =>
      lis
        .filter((li) => li.hasAttribute('data-note-id'))
        .map((li) => (li.getAttribute('aria-labelledby') ? document.getElementById(li.getAttribute('aria-labelledby')!)?.textContent : li.textContent) ?? ''),
    );
  }
  return out;
}

async function addNote(page: Page, laneName: string, text: string): Promise<void> {
  const l = lane(page, laneName);
  await l.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await l.getByRole('button', { name: 'Add note' }).click();
}

const same = async (pages: Page[], what: string, expected?: Lanes) => {
  await waitFor(
    async () => {
      const all = await Promise.all(pages.map(lanesOf));
      const first = JSON.stringify(expected ?? all[0]);
      return all.every((l) => JSON.stringify(l) === first);
    },
    10_000,
    what,
  );
};

it('shares notes across lanes, moves one by keyboard for everyone, and keeps a silent note private until Reveal', async () => {
  const ws = await createWorkshop(env.server, { title: 'Board e2e', template: 'scaleup' });
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const a = await joinAs(env.browser, ws.links.participant, 'Ada');
  const b = await joinAs(env.browser, ws.links.participant, 'Bob');
  const everyone = [f.page, a.page, b.page];

  for (const page of everyone) for (const name of LANES) await lane(page, name).waitFor();

  // Two participants, two lanes.
  await addNote(a.page, 'Product', 'Checkout p99 over 2 s');
  await addNote(b.page, 'Platform', 'Deploys take 3 hours');
  await same(everyone, 'both notes on every board', {
    Product: ['Checkout p99 over 2 s'],
    Platform: ['Deploys take 3 hours'],
    Organization: [],
  });
  // Coloured by author, and the author is named on the note.
  await expect
    .poll(() => lane(b.page, 'Product').getByRole('listitem').filter({ hasText: 'Checkout p99 over 2 s' }).textContent())
    .toContain('Ada');

  // Ada moves her note from Product to Platform with the keyboard only.
  const handle = lane(a.page, 'Product').getByRole('button', { name: 'Move note: Checkout p99 over 2 s' });
  await handle.focus();
  await a.page.keyboard.press('Space');
  // dnd-kit's keyboard sensor starts listening for arrows in a zero-delay timer after Space (so
  // that Space does not also drop); timers run in order, so once ours has run, it listens.
  await a.page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  await a.page.keyboard.press('ArrowRight');
  await a.page.keyboard.press('Space');
  await waitFor(async () => (await lanesOf(b.page)).Platform.includes('Checkout p99 over 2 s'), 10_000, 'the move to reach Bob');
  const moved = await lanesOf(a.page);
  expect(moved.Product).toEqual([]);
  expect(moved.Platform.sort()).toEqual(['Checkout p99 over 2 s', 'Deploys take 3 hours']);
  await same(everyone, 'every board to match after the keyboard move');

  // Silent writing: the facilitator turns it on; Ada's next note stays on Ada's screen.
  await f.page.getByRole('checkbox', { name: 'Silent writing' }).check();
  await a.page.getByText('Silent writing: new notes stay private until the facilitator reveals them.').waitFor();
  await addNote(a.page, 'Organization', 'On-call is burning people out');
  const privateNote = lane(a.page, 'Organization').getByRole('listitem').filter({ hasText: 'On-call is burning people out' });
  await privateNote.getByText('Private until Reveal').waitFor();

  // A barrier: an edit Ada makes afterwards reaches the others, so anything she had published
  // before it would have reached them too.
  const shared = lane(a.page, 'Platform').getByRole('listitem').filter({ hasText: 'Deploys take 3 hours' });
  await shared.getByRole('button', { name: 'Edit' }).click();
  await shared.getByRole('textbox', { name: 'Edit note' }).fill('Deploys take 3 hours, twice a week');
  await shared.getByRole('button', { name: 'Save' }).click();
  for (const page of [f.page, b.page]) {
    await waitFor(async () => (await lanesOf(page)).Platform.includes('Deploys take 3 hours, twice a week'), 10_000, 'the edit to arrive');
    expect((await lanesOf(page)).Organization).toEqual([]);
  }

  // Reveal: everyone has the note, and it is no longer marked private on Ada's screen.
  await f.page.getByRole('button', { name: 'Reveal' }).click();
  for (const page of everyone) {
    await waitFor(async () => (await lanesOf(page)).Organization.includes('On-call is burning people out'), 10_000, 'the revealed note');
  }
  await waitFor(async () => (await privateNote.getByText('Private until Reveal').count()) === 0, 5_000, 'the private marker to go');
  await same(everyone, 'every board to match after the reveal');
  const final = await lanesOf(b.page);
  expect(final.Organization).toEqual(['On-call is burning people out']);
  expect(final.Platform.sort()).toEqual(['Checkout p99 over 2 s', 'Deploys take 3 hours, twice a week']);

  for (const c of [a, b, f]) await c.context.close();
});

it('drags a note with the mouse to another lane, and onto another note to merge them, which Undo takes back', async () => {
  const ws = await createWorkshop(env.server, { title: 'Board mouse e2e', template: 'scaleup' });
  const a = await joinAs(env.browser, ws.links.participant, 'Ada');
  const b = await joinAs(env.browser, ws.links.participant, 'Bob');
  await addNote(a.page, 'Product', 'Search is slow');
  await addNote(b.page, 'Organization', 'Nobody owns search');
  await addNote(b.page, 'Organization', 'Hiring takes 4 months');
  await same([a.page, b.page], 'three notes on both boards', {
    Product: ['Search is slow'],
    Platform: [],
    Organization: ['Nobody owns search', 'Hiring takes 4 months'],
  });

  /** Presses on `from` (a drag handle), moves in small steps to `to`'s point, releases. */
  async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 20, from.y + ((to.y - from.y) * i) / 20);
    await page.mouse.move(to.x, to.y); // settle on the target
    await page.mouse.up();
  }
  const centre = async (locator: ReturnType<Page['locator']>) => {
    const box = (await locator.boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };

  // Search is slow → the empty Platform lane.
  await drag(
    a.page,
    await centre(lane(a.page, 'Product').getByRole('button', { name: 'Move note: Search is slow' })),
    await centre(lane(a.page, 'Platform').getByRole('list', { name: 'Platform notes' })),
  );
  await same([a.page, b.page], 'the mouse move on both boards', {
    Product: [],
    Platform: ['Search is slow'],
    Organization: ['Nobody owns search', 'Hiring takes 4 months'],
  });

  // Onto the middle of "Nobody owns search": one note, both texts, both authors.
  await drag(
    a.page,
    await centre(lane(a.page, 'Platform').getByRole('button', { name: 'Move note: Search is slow' })),
    await centre(lane(a.page, 'Organization').getByRole('listitem').filter({ hasText: 'Nobody owns search' })),
  );
  await same([a.page, b.page], 'the merge on both boards', {
    Product: [],
    Platform: [],
    Organization: ['Nobody owns search\nSearch is slow', 'Hiring takes 4 months'],
  });
  const merged = lane(b.page, 'Organization').getByRole('listitem').filter({ hasText: 'Nobody owns search' });
  expect(await merged.textContent()).toContain('with Ada');

  // Ada undoes her merge: both notes are back, for Bob too.
  await a.page.getByRole('button', { name: 'Undo' }).click();
  await same([a.page, b.page], 'the merge undone on both boards', {
    Product: [],
    Platform: ['Search is slow'],
    Organization: ['Nobody owns search', 'Hiring takes 4 months'],
  });

  for (const c of [a, b]) await c.context.close();
});

it('drops a note where the mouse is released, even when the release comes before the board drew the last move', async () => {
  // On a busy machine the browser handles input before rendering: the button can come up before
  // React has drawn (and dnd-kit has measured) the last pointer move. Seen as a drag that left the
  // note where it was. Here the last move and the release are dispatched in one task, so no render
  // can come between them.
  const ws = await createWorkshop(env.server, { title: 'Board release e2e', template: 'scaleup' });
  const a = await joinAs(env.browser, ws.links.participant, 'Ada');
  await addNote(a.page, 'Product', 'Search is slow');
  await addNote(a.page, 'Product', 'Checkout is slow');
  await same([a.page], 'two notes', { Product: ['Search is slow', 'Checkout is slow'], Platform: [], Organization: [] });

  const handle = lane(a.page, 'Product').getByRole('button', { name: 'Move note: Search is slow' });
  const from = (await handle.boundingBox())!;
  const target = (await lane(a.page, 'Platform').getByRole('list', { name: 'Platform notes' }).boundingBox())!;
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  const end = { x: target.x + target.width / 2, y: target.y + Math.min(target.height / 2, 20) };
  await handle.evaluate((el, { start }) => {
    const at = (type: string, p: { x: number; y: number }, buttons: number) =>
      new MouseEvent(type, { bubbles: true, cancelable: true, clientX: p.x, clientY: p.y, button: 0, buttons, view: window });
    el.dispatchEvent(at('mousedown', start, 1));
    // Past the sensor's 5 px activation distance: the drag starts.
    document.dispatchEvent(at('mousemove', { x: start.x + 8, y: start.y + 8 }, 1));
  }, { start });
  // The drag has started (the dragged card's overlay is drawn), then move and release at once.
  await a.page.locator('.note-overlay').waitFor();
  await a.page.evaluate(({ end }) => {
    const at = (type: string, buttons: number) => new MouseEvent(type, { bubbles: true, cancelable: true, clientX: end.x, clientY: end.y, button: 0, buttons, view: window });
    document.dispatchEvent(at('mousemove', 1));
    document.dispatchEvent(at('mouseup', 0));
  }, { end });
  await same([a.page], 'the note in the lane where the mouse came up', { Product: ['Checkout is slow'], Platform: ['Search is slow'], Organization: [] });
  await a.context.close();
});

it('drags a note by touch, pressing and holding its handle, then moving it to another lane', async () => {
  const ws = await createWorkshop(env.server, { title: 'Board touch e2e', template: 'scaleup' });
  const a = await joinAs(env.browser, ws.links.participant, 'Ada', { hasTouch: true });
  const b = await joinAs(env.browser, ws.links.participant, 'Bob');
  await addNote(a.page, 'Product', 'Search is slow');
  await addNote(a.page, 'Product', 'Checkout is slow');
  await same([a.page, b.page], 'two notes on both boards', { Product: ['Search is slow', 'Checkout is slow'], Platform: [], Organization: [] });

  const handle = lane(a.page, 'Product').getByRole('button', { name: 'Move note: Checkout is slow' });
  const from = (await handle.boundingBox())!;
  const to = (await lane(a.page, 'Organization').getByRole('list', { name: 'Organization notes' }).boundingBox())!;
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  const end = { x: to.x + to.width / 2, y: to.y + Math.min(to.height / 2, 20) };
  const cdp = await a.context.newCDPSession(a.page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: { x: number; y: number }) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });

  await touch('touchStart', start);
  // The touch sensor picks the note up after the finger has rested on the handle for a moment.
  await waitFor(async () => (await handle.getAttribute('aria-pressed')) === 'true', 5_000, 'the held note to be picked up');
  for (let i = 1; i <= 10; i++) await touch('touchMove', { x: start.x + ((end.x - start.x) * i) / 10, y: start.y + ((end.y - start.y) * i) / 10 });
  await touch('touchEnd');
  await same([a.page, b.page], 'the touch move on both boards', { Product: ['Search is slow'], Platform: [], Organization: ['Checkout is slow'] });

  for (const c of [a, b]) await c.context.close();
});

it('connects and syncs the board while the name form is shown, and makes the person present only at Join', async () => {
  const ws = await createWorkshop(env.server);
  const watcher = connectClient(env.server.wsUrl, ws.id, ws.tokens.facilitator);
  try {
    await waitSynced(watcher);
    addNoteCommand(watcher.doc, { lane: 'product', text: 'Written before anyone joined', author: { id: 'f1', name: 'Grace', color: '#1a5fb4' }, now: Date.now() });
    const names = () => [...watcher.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name).filter(Boolean);
    // The server logs every connection with its workshop, document and role (never the token).
    const participantDocsJoined = () =>
      env.server.logs
        .join('')
        .split('\n')
        .filter((l) => l.includes('"peer joined"') && l.includes(`"workshop":"${ws.id}"`) && l.includes('"role":"participant"'))
        .map((l) => /"doc":"([^"]+)"/.exec(l)?.[1]);

    const context = await env.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(ws.links.participant);
      await page.getByLabel('Your name').waitFor();
      // Board and control documents open behind the form, without presence.
      await waitFor(() => participantDocsJoined().length >= 2, 10_000, 'early connections');
      expect(participantDocsJoined().sort()).toEqual(['board', 'control']);
      expect(names()).toEqual([]);

      await page.getByLabel('Your name').fill('Early Eve');
      await page.getByRole('button', { name: 'Join' }).click();
      await lane(page, 'Product').getByText('Written before anyone joined').waitFor({ timeout: 10_000 });
      await waitFor(() => names().includes('Early Eve'), 10_000, 'presence after Join');
      expect(names()).toEqual(['Early Eve']);
    } finally {
      await context.close();
    }
  } finally {
    watcher.destroy();
  }
});
