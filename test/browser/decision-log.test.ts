// End to end in headless Chromium: after a short session, the Decision log region shows the live
// log, each export downloads through the API with the right name and content for every role,
// and the print page renders to a real PDF (Chromium's page.pdf()) on A4 and Letter.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import Ajv from 'ajv';
import { joinAs, launchBrowser } from '../helpers/browser.js';
import { createWorkshop, startTestServer, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { connectClient, waitSynced, type TestClient } from '../helpers/clients.js';
import { boardMaps, controlMaps } from '../../shared/schema.js';
import schema from '../../shared/log/decision-log.v1.schema.json';
import type { DecisionLog } from '../../shared/log/types.js';
import { seedBoardContent } from '../unit/decision-log.fixture.js';

let server: TestServer;
let browser: Browser;
let ws: CreatedWorkshop;
const contexts: BrowserContext[] = [];
const clients: TestClient[] = [];
const pages: Record<'facilitator' | 'participant' | 'observer', Page> = {} as never;
const today = new Date().toISOString().slice(0, 10);
const STEM = `scaling-summit-q3-${today}`;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  ws = await createWorkshop(server, { title: 'Scaling summit Q3', template: 'scaleup' });
  for (const [role, name] of [
    ['facilitator', 'Grace'],
    ['participant', 'Linus'],
    ['observer', 'Ada'],
  ] as const) {
    const { context, page } = await joinAs(browser, ws.links[role], name);
    contexts.push(context);
    pages[role] = page;
  }
  // The rest of the session, written by a co-facilitator's client: the board of a realistic
  // workshop (with hostile text) and the facilitator's ranking.
  const board = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
  const control = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  clients.push(board, control);
  await Promise.all(clients.map((c) => waitSynced(c)));
  seedBoardContent(board.doc);
  control.doc.transact(() => controlMaps(control.doc).ranking.set('order', ['i2', 'i1']));
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

async function download(page: Page, button: string): Promise<{ download: Download; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('region', { name: 'Decision log' }).getByRole('button', { name: button }).click(),
  ]);
  const bytes = fs.readFileSync((await download.path())!);
  return { download, bytes, text: bytes.toString('utf8') };
}

it('shows the live log in the Decision log region on every screen, following the board', async () => {
  for (const page of Object.values(pages)) {
    const region = page.getByRole('region', { name: 'Decision log' });
    const rows = region.getByRole('table', { name: 'Decisions so far' }).getByRole('row');
    await rows.filter({ hasText: 'Observability: tracing & SLOs' }).waitFor();
    await expect.poll(() => rows.count()).toBe(4); // header + three decisions
    // The facilitator's order (Observability first) arrives through its own document.
    await expect.poll(() => rows.nth(1).textContent()).toContain('Grace Hopper');
    await region.getByText('Top 3: 3 decisions · 9 bottlenecks · 4 in the parking lot').waitFor();
  }
  // A change on the board reaches the log everywhere without a reload.
  const [board] = clients;
  board!.doc.transact(() => boardMaps(board!.doc).decisions.get('i3')!.set('dri', 'Margaret'));
  for (const page of Object.values(pages)) {
    await page.getByRole('region', { name: 'Decision log' }).getByRole('row').filter({ hasText: 'Margaret' }).waitFor();
  }
  // The full document opens on demand, with the parking lot and the checklist.
  const region = pages.participant.getByRole('region', { name: 'Decision log' });
  await region.getByRole('button', { name: 'Show full log' }).click();
  await region.getByRole('heading', { name: 'Parking lot' }).waitFor();
  await region.getByRole('heading', { name: '3. =HYPERLINK("http://evil.example") platform team' }).waitFor();
  expect(await region.locator('script').count()).toBe(0);
});

it('downloads Markdown, CSV and JSON through the API, for any role', async () => {
  const md = await download(pages.facilitator, 'Export Markdown');
  expect(md.download.suggestedFilename()).toBe(`${STEM}.md`);
  expect(md.text.startsWith('# Decision log: Scaling summit Q3\n')).toBe(true);
  expect(md.text).toContain('- Grace (facilitator)');
  expect(md.text).toContain('### 1. Observability: tracing & SLOs');
  expect(md.text).toContain('- **DRI:** Margaret');
  expect(md.text).toContain('&lt;script>');
  await pages.facilitator.getByRole('region', { name: 'Decision log' }).getByRole('status').getByText(`Downloaded ${STEM}.md`).waitFor();

  const csv = await download(pages.participant, 'Export CSV');
  expect(csv.download.suggestedFilename()).toBe(`${STEM}.csv`);
  expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(csv.text).toContain('Rank,Initiative,Approach,Rationale,Phase,DRI,Metric,Baseline,Target,Due,Bottlenecks,Dimensions');
  expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"") platform team",Partner`);

  const json = await download(pages.observer, 'Export JSON');
  expect(json.download.suggestedFilename()).toBe(`${STEM}.json`);
  const log = JSON.parse(json.text) as DecisionLog;
  expect(new Ajv({ strict: true }).compile(schema)(log)).toBe(true);
  expect(log.workshop.participants).toEqual([
    { name: 'Grace', role: 'facilitator' },
    { name: 'Linus', role: 'participant' },
    { name: 'Ada', role: 'observer' },
  ]);
  expect(log.decisions.map((d) => [d.rank, d.initiative, d.dri])).toEqual([
    [1, 'Observability: tracing & SLOs', 'Grace Hopper'],
    [2, 'Checkout performance program', 'Linus'],
    [3, '=HYPERLINK("http://evil.example") platform team', 'Margaret'],
  ]);
});

it('opens a print page from Print decision log and renders it to a PDF on A4 and Letter', async () => {
  // The print page opens the browser's print dialog by itself. Headless Chromium (156 and later)
  // then holds a print job open that page.pdf() collides with, so the dialog is counted instead.
  await contexts[0]!.addInitScript(() => {
    const w = window as unknown as { print: () => void; __printCalls: number };
    w.__printCalls = 0;
    w.print = () => void w.__printCalls++;
  });
  const [print] = await Promise.all([
    contexts[0]!.waitForEvent('page'),
    pages.facilitator.getByRole('region', { name: 'Decision log' }).getByRole('button', { name: 'Print decision log' }).click(),
  ]);
  await print.getByRole('heading', { level: 1, name: 'Decision log: Scaling summit Q3' }).waitFor();
  expect(new URL(print.url()).pathname).toBe(`/w/${ws.id}/print`);
  expect(await print.title()).toBe('Decision log: Scaling summit Q3');
  await print.getByRole('heading', { name: 'Ship-It checklist' }).waitFor();
  await print.getByRole('heading', { name: '1. Observability: tracing & SLOs' }).waitFor();
  await expect.poll(() => print.evaluate(() => (window as unknown as { __printCalls: number }).__printCalls)).toBe(1);

  const a4 = await print.pdf({ format: 'A4' });
  const letter = await print.pdf({ format: 'Letter' });
  for (const pdf of [a4, letter]) {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(pdf.toString('latin1')).toMatch(/\/Title \(Decision log: Scaling summit Q3\)/);
  }
  // Page sizes in points: A4 is 595 × 842, Letter 612 × 792.
  expect(a4.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.\d+ 841\.\d+\]|\/MediaBox \[0 0 595\.\d+ 842\.\d+\]/);
  expect(letter.toString('latin1')).toMatch(/\/MediaBox \[0 0 612 792\]/);
  // The toolbar is for the screen only: printing hides it.
  await print.emulateMedia({ media: 'print' });
  expect(await print.getByRole('button', { name: 'Print', exact: true }).isVisible()).toBe(false);
});
