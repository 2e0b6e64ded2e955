// End to end in headless Chromium, after a reveal: no dot of the 2×2 covers a quadrant's label
// (the rank-1 dot used to sit on "Do first"), and the print view of the decision log, laid out as
// for paper, keeps every word of a DRI's name whole.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { joinAs, launchBrowser } from '../helpers/browser.js';
import { createWorkshop, startTestServer, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedDecisions, seedInitiatives, type DemoSession } from '../helpers/demoWorkshop.js';
import type { TestClient } from '../helpers/clients.js';

let server: TestServer;
let browser: Browser;
let ws: CreatedWorkshop;
let demo: DemoSession;
let voters: TestClient[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  ws = await createWorkshop(server, { title: 'Platform scaling Q3', template: 'scaleup' });
  demo = await openDemoSession(server, ws);
  seedBottlenecks(demo.board.doc);
  seedInitiatives(demo.board.doc);
  await demo.goToStage(2);
  voters = await castBallots(server, ws, demo, { reveal: true });
  seedDecisions(demo.board.doc);
});

afterAll(async () => {
  voters.forEach((c) => c.destroy());
  demo?.destroy();
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

it("keeps every quadrant label of the 2×2 clear of the dots, the rank-1 dot's included", async () => {
  const { context, page } = await joinAs(browser, ws.links.participant, 'Linus');
  contexts.push(context);
  const matrix = page.getByRole('region', { name: 'Board' }).getByRole('figure', { name: 'ROI × urgency matrix' });
  await matrix.waitFor();
  const boxes = await matrix.evaluate((figure) => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      labels: [...figure.querySelectorAll('text')].filter((t) => /Do first|Urgent, low return|Plan|Park/.test(t.textContent ?? '')).map((t) => ({ text: t.textContent, ...box(t) })),
      dots: [...figure.querySelectorAll('circle')].map((c) => ({ rank: c.parentElement?.textContent, ...box(c) })),
    };
  });
  expect(boxes.labels.map((l) => l.text)).toEqual(expect.arrayContaining([expect.stringContaining('Do first')]));
  expect(boxes.dots.length).toBeGreaterThanOrEqual(5);
  const covered = boxes.labels.flatMap((l) => boxes.dots.filter((d) => overlaps(l, d)).map((d) => `"${l.text}" under the dot of ${d.rank}`));
  expect(covered).toEqual([]);
});

it("prints a DRI's name without breaking a word", async () => {
  // The print page at the width of A4 paper between its margins (about 182 mm at 96 dpi), in print media.
  const context = await browser.newContext({ viewport: { width: 688, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.emulateMedia({ media: 'print' });
  await page.goto(`${server.url}/w/${ws.id}/print#token=${ws.tokens.observer}`);
  const table = page.locator('.decisions-table');
  await table.waitFor();
  // Each word of each DRI cell, and on how many lines the browser laid it out.
  const words = await table.evaluate((t) =>
    [...t.querySelectorAll('tbody tr')].flatMap((row) => {
      const cell = row.children[6]!;
      const text = cell.firstChild?.firstChild ?? cell.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) return [];
      const value = text.textContent ?? '';
      const out: { word: string; lines: number }[] = [];
      for (const m of value.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, m.index);
        range.setEnd(text, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        out.push({ word: m[0], lines: tops.size });
      }
      return out;
    }),
  );
  expect(words.map((w) => w.word)).toEqual(expect.arrayContaining(['Bartholomew', 'Oppenheimer', 'Hopper']));
  expect(words.filter((w) => w.lines > 1)).toEqual([]);
});
