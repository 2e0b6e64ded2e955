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
import { addNote, lane } from '../helpers/workshopPage.js';

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
