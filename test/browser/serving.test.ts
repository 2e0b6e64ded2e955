// End to end in headless Chromium (issue 12): the app works under its strict Content-Security-Policy
// without a single violation (landing page, board with a mouse drag, presence, the print page with a
// forced paper size), and the facilitator's `Delete workshop`, confirmed in a dialog, takes everyone
// out: the facilitator to the landing page, which says so, everyone else to "This workshop was deleted".
import { expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { createWorkshop } from '../helpers/server.js';

const env = useServerAndBrowser();

/**
 * A context that records every CSP violation its pages report: the `securitypolicyviolation` DOM
 * event (registered before any page script runs) and Chromium's console error for it.
 */
async function watchedContext(): Promise<{ context: BrowserContext; violations: string[]; watch: (page: Page) => Page }> {
  const context = await env.browser.newContext();
  const violations: string[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (/Content[- ]Security[- ]Policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => violations.push(`page error: ${err.message}`));
    return page;
  };
  context.on('page', watch);
  return { context, violations, watch };
}

const lane = (page: Page, name: string) => page.getByRole('region', { name: 'Board' }).getByRole('region', { name, exact: true });

it('works under its Content-Security-Policy with no violation: create, join, notes, drag, presence, print', { timeout: 90_000 }, async () => {
  const { context, violations } = await watchedContext();
  const page = await context.newPage();
  const landing = await page.goto(env.server.url);
  // The policy is really there, strict, and this origin's WebSocket is allowed.
  const csp = landing!.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/style-src 'self'(;|$)/);
  expect(csp).toMatch(/worker-src 'self'(;|$)/);
  expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${env.server.port} wss://127.0.0.1:${env.server.port}`);

  await page.getByRole('button', { name: 'New workshop' }).click();
  await page.getByLabel('Workshop title').fill('CSP check');
  await page.getByRole('button', { name: 'Create workshop' }).click();
  const facilitatorLink = await page.getByLabel('Facilitator link (keep it secret)').inputValue();
  const participantLink = await page.getByLabel('Participant invite link').inputValue();

  await page.goto(facilitatorLink);
  await page.getByLabel('Your name').fill('Grace');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByText('Connected', { exact: true }).waitFor();
  // The app shell's service worker (offline, SPEC 10) registers and runs under the policy.
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toBe(`${env.server.url}/sw.js`);

  const participant = await context.newPage();
  await participant.goto(participantLink);
  await participant.getByLabel('Your name').fill('Linus');
  await participant.getByRole('button', { name: 'Join' }).click();
  await participant.getByText('Connected', { exact: true }).waitFor();
  await page.getByRole('region', { name: 'Participants' }).getByText('Linus').waitFor();

  await lane(participant, 'Product').getByRole('textbox', { name: 'Note', exact: true }).fill('Checkout is slow');
  await lane(participant, 'Product').getByRole('button', { name: 'Add note' }).click();
  const handle = lane(page, 'Product').getByRole('button', { name: 'Move note: Checkout is slow' });
  await handle.waitFor();
  // A mouse drag: dnd-kit moves the note with inline transforms (style attributes set from script).
  // hover() waits until the handle is visible, stable and the element the pointer would hit,
  // so the press lands on it even while the page is still settling after the note arrived.
  await handle.hover();
  const from = (await handle.boundingBox())!;
  const target = (await lane(page, 'Platform').getByRole('list', { name: 'Platform notes' }).boundingBox())!;
  const to = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 20, from.y + ((to.y - from.y) * i) / 20);
  await page.mouse.move(to.x, to.y);
  await page.mouse.up();
  await lane(participant, 'Platform').getByRole('button', { name: 'Move note: Checkout is slow' }).waitFor();

  // The print page, with its paper size forced to A4 (a style sheet the CSP must let through).
  const workshopId = new URL(facilitatorLink).pathname.split('/')[2]!;
  const print = await context.newPage();
  await print.goto(`${env.server.url}/w/${workshopId}/print${new URL(facilitatorLink).hash}`);
  await print.getByRole('heading', { level: 1, name: 'Decision log: CSP check' }).waitFor();
  await print.getByLabel('Paper size').selectOption('a4');
  const pdf = await print.pdf({ preferCSSPageSize: true });
  // A4 is 595 × 842 points (without the forced size, page.pdf() prints on Letter, 612 × 792).
  const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))!;
  expect(Math.round(Number(box[1]))).toBe(595);
  expect(Math.round(Number(box[2]))).toBe(842);

  // Give late reports (they are delivered asynchronously) a moment.
  await page.waitForTimeout(300);
  expect(violations).toEqual([]);
  await context.close();
});

it('deletes the workshop after a confirmation: the facilitator lands on the start page, everyone else sees it was deleted', async () => {
  const ws = await createWorkshop(env.server, { title: 'Delete me' });
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const p = await joinAs(env.browser, ws.links.participant, 'Linus');
  const o = await joinAs(env.browser, ws.links.observer, 'Ada');
  // Only the facilitator has the button.
  expect(await p.page.getByRole('button', { name: 'Delete workshop' }).count()).toBe(0);
  expect(await o.page.getByRole('button', { name: 'Delete workshop' }).count()).toBe(0);

  // The first press only asks; Cancel (or Escape) keeps everything.
  await f.page.getByRole('button', { name: 'Delete workshop' }).click();
  const dialog = f.page.getByRole('dialog', { name: 'Delete this workshop?' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('Delete me');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await f.page.getByRole('button', { name: 'Delete workshop' }).click();
  await dialog.waitFor();
  await f.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  const still = await fetch(`${env.server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
  expect(still.status).toBe(200);
  await p.page.getByText('Connected', { exact: true }).waitFor();

  await f.page.getByRole('button', { name: 'Delete workshop' }).click();
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();

  // The facilitator is taken to the landing page, which says what happened.
  await f.page.waitForURL(`${env.server.url}/`);
  await f.page.getByRole('status').filter({ hasText: 'The workshop “Delete me” and all its data were deleted.' }).waitFor();
  await f.page.getByRole('button', { name: 'New workshop' }).waitFor();
  // The message is said once: a reload of the landing page does not repeat it.
  await f.page.reload();
  await f.page.getByRole('button', { name: 'New workshop' }).waitFor();
  expect(await f.page.getByText('were deleted').count()).toBe(0);

  // Everyone else sees that the workshop was deleted, and is not left reconnecting.
  for (const page of [p.page, o.page]) {
    await page.getByRole('heading', { name: 'This workshop was deleted' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('“Delete me” was deleted by its facilitator');
    expect(await page.getByRole('region', { name: 'Board' }).count()).toBe(0);
  }
  // It is gone on the server: its links answer 404.
  const gone = await fetch(`${env.server.url}/api/workshops/${ws.id}/session`, { headers: { authorization: `Bearer ${ws.tokens.observer}` } });
  expect(gone.status).toBe(404);
  // Opening the link again says the workshop does not exist.
  await p.page.reload();
  await p.page.getByRole('alert').filter({ hasText: 'This workshop does not exist on this server' }).waitFor();
  // And what this browser kept of it (SPEC 10: the local copy, the person) is dropped.
  const kept = () =>
    p.page.evaluate(async (id) => {
      const dbs = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.includes(id));
      return [...dbs, ...Object.keys(localStorage).filter((k) => k.includes(id))];
    }, ws.id);
  await expect.poll(kept).toEqual([]);
  for (const c of [f.context, p.context, o.context]) await c.close();
});
