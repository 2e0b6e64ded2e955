// `npm run screenshots`: every stage of a realistic workshop on a laptop (1280×800, the
// facilitator) and a phone (390×844, a participant; the facilitator's too in stage 3), and the
// room screen (1920×1080), as PNGs in docs/screenshots/, what a screen shows before scrolling. The real server and headless Chromium, the way the browser tests run them
// (CHROMIUM_PATH, default /usr/bin/chromium); the workshop is test/helpers/demoWorkshop.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, ensureClientBuild, ensureServerBuild } from './builds.js';
import { joinAs, launchBrowser } from '../test/helpers/browser.js';
import { createWorkshop, startTestServer, type TestServer } from '../test/helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedDecisions, seedImpacts, seedInitiatives } from '../test/helpers/demoWorkshop.js';

const OUT = path.join(ROOT, 'docs', 'screenshots');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ROOM = { width: 1920, height: 1080 };

async function main(): Promise<void> {
  ensureClientBuild();
  ensureServerBuild();
  fs.mkdirSync(OUT, { recursive: true });
  let server: TestServer | null = null;
  let browser: Browser | null = null;
  try {
    [server, browser] = await Promise.all([startTestServer({ env: { LOG_LEVEL: 'warn' } }), launchBrowser()]);
    await shoot(server, browser);
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

async function shoot(server: TestServer, browser: Browser): Promise<void> {
  const ws = await createWorkshop(server, { title: 'Platform scaling Q3', template: 'scaleup' });
  const demo = await openDemoSession(server, ws);
  seedBottlenecks(demo.board.doc);
  const laptop = (await joinAs(browser, ws.links.facilitator, 'Grace Hopper', { viewport: LAPTOP })).page;
  const phone = (await joinAs(browser, ws.links.participant, 'Linus', { viewport: PHONE, isMobile: true, hasTouch: true })).page;
  const facilitatorPhone = (await joinAs(browser, ws.links.facilitator, 'Grace Hopper', { viewport: PHONE, isMobile: true, hasTouch: true })).page;
  // The room screen as a second device opens it: the observer link, at /present. Its type is large
  // enough to stay readable at half the pixels, which keeps the file small.
  const room = await (await browser.newContext({ viewport: ROOM, deviceScaleFactor: 0.5 })).newPage();
  await room.goto(ws.links.observer.replace('#', '/present#'));
  await room.getByRole('timer').waitFor();
  const save = async (page: Page, name: string) => {
    // As the page opens: at the top, fonts loaded.
    await page.evaluate(async () => {
      window.scrollTo(0, 0);
      await document.fonts.ready;
    });
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  const atStage = async (n: number) => {
    await demo.goToStage(n - 1);
    for (const page of [laptop, phone, facilitatorPhone]) {
      await page.getByRole('region', { name: 'Stages' }).getByRole('heading', { name: new RegExp(`^Stage ${n} of 5`) }).waitFor();
    }
    await room.getByRole('region', { name: 'Stage' }).getByText(`Stage ${n} of 5`).waitFor();
  };

  await atStage(1);
  await phone.getByRole('region', { name: 'Product' }).getByLabel('Note', { exact: true }).fill('Search relevance complaints from top accounts');
  await save(laptop, 'laptop-1-bottlenecks');
  await save(phone, 'phone-1-bottlenecks');
  await save(room, 'room-1-bottlenecks');

  await atStage(2);
  seedImpacts(demo.board.doc);
  await laptop.getByText(/^1 of 7 bottlenecks/).waitFor();
  await save(laptop, 'laptop-2-impact');
  await save(phone, 'phone-2-impact');

  seedInitiatives(demo.board.doc);
  await atStage(3);
  const voters = await castBallots(server, ws, demo);
  await laptop.getByText('3 ballots from 3 people').waitFor();
  await facilitatorPhone.getByText('3 ballots from 3 people').waitFor();
  await save(laptop, 'laptop-3-prioritization');
  await save(phone, 'phone-3-prioritization');
  await save(facilitatorPhone, 'phone-3-prioritization-facilitator');
  await laptop.getByRole('button', { name: 'Reveal' }).click();
  await laptop.getByRole('figure', { name: 'ROI × urgency matrix' }).waitFor();
  await save(laptop, 'laptop-3-revealed');
  await room.getByRole('figure', { name: 'ROI × urgency matrix' }).waitFor();
  await save(room, 'room-3-revealed');

  seedDecisions(demo.board.doc);
  await atStage(4);
  await save(laptop, 'laptop-4-build-buy-partner');
  await save(phone, 'phone-4-build-buy-partner');

  await atStage(5);
  await save(laptop, 'laptop-5-metrics-owners');
  await save(phone, 'phone-5-metrics-owners');
  await save(room, 'room-5-metrics-owners');

  voters.forEach((c) => c.destroy());
  demo.destroy();
}

// The demo's y-websocket clients would keep reconnecting after a failure: exit either way.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
