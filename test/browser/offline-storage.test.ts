// End to end in headless Chromium: the browser's stored copy of a workshop (SPEC 10, issue 17)
// and its connections. A reload whose stored board loads from IndexedDB after its socket opened
// (and before it synced) still connects: the stored state, which holds everyone's edits, must
// never be sent to the server as this client's own update (the server closes such a connection
// for good: "writes under another writer's Yjs client id"). And when the tab that stores a
// workshop closes, another open tab of the same person takes over (a Web Lock decides).
import { expect, it } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { addNote, editNote, lane, shellCached } from '../helpers/workshopPage.js';

const env = useServerAndBrowser();

const badge = (page: Page) => page.locator('.topbar .connection');
const note = (page: Page, laneName: string, text: string) => lane(page, laneName).getByRole('listitem').filter({ hasText: text }).first();

/** The names of the Web Locks held in this page's browser context (one per stored document). */
const heldLocks = (page: Page) => page.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((l) => l.name ?? ''));
const pendingLocks = (page: Page) => page.evaluate(async () => ((await navigator.locks.query()).pending ?? []).map((l) => l.name ?? ''));

/** y-websocket's frame kinds (y-protocols): a sync message, and within it an update. */
const isUpdateFrame = (m: string | Buffer) => typeof m !== 'string' && m[0] === 0 && m[1] === 2;

it('connects after a reload whose stored board loads while its socket is open but not yet synced', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Reload race', template: 'scaleup' });
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');
  const bob = await joinAs(env.browser, ws.links.participant, 'Bob');
  // Bob's note is in Ada's stored board: an edit under another writer's client id.
  await addNote(bob.page, 'Product', 'Checkout is slow');
  await note(ada.page, 'Product', 'Checkout is slow').waitFor();
  const boardDb = (await heldLocks(ada.page)).find((n) => n.startsWith(`scaleboard:${ws.id}:`) && n.endsWith(':board'));
  expect(boardDb).toBeTruthy();

  // Another page of Ada's browser queues for the board's lock, so it holds it when Ada's page
  // unloads and the reloaded page's database waits until this test lets it load.
  const gate = await ada.context.newPage();
  await gate.goto(`${env.server.url}/healthz`);
  await gate.evaluate((name) => {
    void navigator.locks.request(name, () => new Promise<void>((release) => ((window as unknown as { release: () => void }).release = release)));
  }, boardDb!);
  await waitFor(async () => (await pendingLocks(gate)).includes(boardDb!), 10_000, 'the gate to queue for the lock');

  // The reloaded page's first board socket opens, and the server's answers are held back until
  // the page either sends an update on it or closes it: the stored board lands in that window.
  const first = { opened: false, sentUpdate: false, closed: false };
  let routed = 0;
  await ada.context.routeWebSocket(
    (url) => url.pathname === `/ws/${ws.id}`,
    (route: WebSocketRoute) => {
      const server = route.connectToServer();
      if (routed++ > 0) return; // later connections pass through untouched
      const held: (string | Buffer)[] = [];
      let holding = true;
      const letGo = () => {
        holding = false;
        for (const m of held.splice(0)) route.send(m);
      };
      route.onMessage((m) => {
        first.opened = true;
        if (isUpdateFrame(m)) {
          first.sentUpdate = true;
          letGo();
        }
        server.send(m);
      });
      server.onMessage((m) => (holding ? held.push(m) : route.send(m)));
      route.onClose((code, reason) => {
        first.closed = true;
        server.close({ code, reason });
      });
    },
  );

  await ada.page.reload();
  await waitFor(() => first.opened, 15_000, "the reloaded page's board socket to open");
  await waitFor(async () => (await pendingLocks(gate)).includes(boardDb!), 15_000, 'the reloaded page to ask for the lock');
  await gate.evaluate(() => (window as unknown as { release: () => void }).release());
  await waitFor(() => first.sentUpdate || first.closed, 15_000, 'the stored board to load into the reloaded page');

  await badge(ada.page).filter({ hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });
  expect(env.server.logs.join('')).not.toContain("another writer's Yjs client id");
  await note(ada.page, 'Product', 'Checkout is slow').waitFor();
  // The connection really works both ways.
  await addNote(ada.page, 'Platform', 'Deploys take 3 hours');
  await note(bob.page, 'Platform', 'Deploys take 3 hours').waitFor();
  await addNote(bob.page, 'Organization', 'On-call is thin');
  await note(ada.page, 'Organization', 'On-call is thin').waitFor();
  for (const c of [ada, bob]) await c.context.close();
});

it('hands the storing over to another open tab of the same person when the storing tab closes', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Two tabs', template: 'scaleup' });
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');
  const bob = await joinAs(env.browser, ws.links.participant, 'Bob');
  await addNote(bob.page, 'Product', 'Checkout is slow');
  // A second tab of Ada's browser: the same person, straight back in.
  const second = await ada.context.newPage();
  await second.goto(ws.links.participant);
  await badge(second).filter({ hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });
  await note(second, 'Product', 'Checkout is slow').waitFor();
  await shellCached(second);
  const names = await heldLocks(second);
  const boardDb = names.find((n) => n.startsWith(`scaleboard:${ws.id}:`) && n.endsWith(':board'))!;
  const controlDb = boardDb.replace(/:board$/, ':control');
  expect(names).toContain(controlDb);
  // The first tab stores the workshop; the second waits its turn, for each document.
  await waitFor(async () => (await pendingLocks(second)).filter((n) => n === boardDb || n === controlDb).length === 2, 10_000, 'the second tab to queue');

  // The first tab closes: the second takes over, and stores from now on.
  await ada.page.close();
  await waitFor(async () => (await pendingLocks(second)).length === 0, 10_000, 'the second tab to take the locks');
  expect(await heldLocks(second)).toEqual(expect.arrayContaining([boardDb, controlDb]));
  await badge(second).filter({ hasText: /^Connected$/ }).waitFor();
  await addNote(bob.page, 'Platform', 'Deploys take 3 hours');
  await note(second, 'Platform', 'Deploys take 3 hours').waitFor();
  await ada.context.setOffline(true);
  await badge(second).filter({ hasText: /^Offline/ }).waitFor();
  await editNote(second, 'Product', 'Checkout is slow', 'Checkout is slow at peak');

  // Reloaded with no network, the board is what only the second tab can have stored.
  await second.reload();
  await note(second, 'Platform', 'Deploys take 3 hours').waitFor({ timeout: 15_000 });
  await note(second, 'Product', 'Checkout is slow at peak').waitFor();
  await ada.context.setOffline(false);
  await note(bob.page, 'Product', 'Checkout is slow at peak').waitFor({ timeout: 20_000 });
  await badge(second).filter({ hasText: /^Connected$/ }).waitFor({ timeout: 15_000 });
  for (const c of [ada, bob]) await c.context.close();
});

/** This browser's stored copies: each database as [workshop, person, document]. */
const storedDatabases = (page: Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases())
      .map((d) => (d.name ?? '').split(':'))
      .filter((parts) => parts[0] === 'scaleboard')
      .map((parts) => parts.slice(1)),
  );

it('keeps one database per workshop, person and document, and drops a deleted workshop’s when the server says 404', { timeout: 90_000 }, async () => {
  const one = await createWorkshop(env.server, { title: 'Kept', template: 'scaleup' });
  const two = await createWorkshop(env.server, { title: 'Deleted while away', template: 'scaleup' });
  // One browser: the participant and the facilitator of one workshop (two people), and a second workshop.
  const ada = await joinAs(env.browser, one.links.participant, 'Ada');
  const page = ada.page;
  await addNote(page, 'Product', 'Checkout is slow');
  // Each screen's databases are there before the browser leaves it (opening one is asynchronous).
  await expect.poll(() => storedDatabases(page), { timeout: 10_000 }).toHaveLength(2);
  for (const [i, link] of [one.links.facilitator, two.links.participant].entries()) {
    // From another page: the facilitator's link differs from the participant's only in its fragment.
    await page.goto(`${env.server.url}/healthz`);
    await page.goto(link);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByText('Connected', { exact: true }).waitFor();
    await expect.poll(() => storedDatabases(page), { timeout: 10_000 }).toHaveLength(4 + 2 * i);
  }
  await addNote(page, 'Platform', 'Deploys take 3 hours');
  const people = (id: string) =>
    page.evaluate((w) => Object.entries(localStorage).filter(([k]) => k.startsWith(`scaleboard:person:${w}:`)).length, id);
  expect(await people(one.id)).toBe(2);
  // Three people (two in the first workshop), a board and a control database each.
  const dbs = await storedDatabases(page);
  const byWorkshop = (id: string) => dbs.filter(([w]) => w === id);
  expect(new Set(byWorkshop(one.id).map(([, person]) => person)).size).toBe(2);
  expect(byWorkshop(one.id).map(([, , doc]) => doc).sort()).toEqual(['board', 'board', 'control', 'control']);
  expect(byWorkshop(two.id).map(([, , doc]) => doc).sort()).toEqual(['board', 'control']);

  // The second workshop is deleted while this browser is elsewhere (no socket of it open to be told).
  await page.goto(env.server.url);
  await page.getByRole('button', { name: 'New workshop' }).waitFor();
  const deleted = await fetch(`${env.server.url}/api/workshops/${two.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${two.tokens.facilitator}` } });
  expect(deleted.status).toBe(204);
  // Its link now answers 404: what this browser kept of it goes, and only that.
  await page.goto(two.links.participant);
  await page.getByRole('alert').filter({ hasText: 'This workshop does not exist on this server' }).waitFor();
  await waitFor(async () => (await storedDatabases(page)).every(([w]) => w !== two.id), 10_000, "the deleted workshop's databases to go");
  expect(await page.evaluate((w) => Object.keys(localStorage).filter((k) => k.includes(w)), two.id)).toEqual([]);
  expect((await storedDatabases(page)).filter(([w]) => w === one.id)).toHaveLength(4);
  expect(await people(one.id)).toBe(2);
  await ada.context.close();
});
