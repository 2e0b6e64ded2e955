// Accessibility in headless Chromium: axe-core (the engine behind Lighthouse's and most CI
// accessibility checks) on every stage of a realistic workshop for the facilitator, a participant
// and an observer, and on the room screen, with zero violations of any impact. axe's own source is
// injected into each page (the app's strict CSP allows no inline script, so these contexts bypass it).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';
import { joinAs, launchBrowser } from '../helpers/browser.js';
import { ROOT, createWorkshop, startTestServer, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { castBallots, openDemoSession, seedBottlenecks, seedDecisions, seedImpacts, seedInitiatives, type DemoSession } from '../helpers/demoWorkshop.js';
import type { TestClient } from '../helpers/clients.js';
import { setSilentWriting } from '../../shared/commands/control.js';

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let server: TestServer;
let browser: Browser;
let ws: CreatedWorkshop;
let demo: DemoSession;
const contexts: BrowserContext[] = [];
const clients: TestClient[] = [];
const pages = {} as Record<'facilitator' | 'participant' | 'observer' | 'room', Page>;

/** One line per violation and up to three of its elements: what is wrong, where, how to fix it. */
function report(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, 3).map((n) => `    at ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`);
      const more = v.nodes.length > 3 ? [`    … and ${v.nodes.length - 3} more`] : [];
      return [`  ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}

async function axeViolations(page: Page): Promise<Result[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations;
}

async function violationsReport(label: string, page: Page): Promise<string> {
  const violations = await axeViolations(page);
  return violations.length ? `${label}: ${violations.length} axe violation(s)\n${report(violations)}` : '';
}

async function expectNoViolations(label: string, page: Page): Promise<void> {
  expect(await violationsReport(label, page)).toBe('');
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  ws = await createWorkshop(server, { title: 'Platform scaling Q3', template: 'scaleup' });
  demo = await openDemoSession(server, ws);
  for (const [role, name] of [
    ['facilitator', 'Grace'],
    ['participant', 'Linus'],
    ['observer', 'Ada'],
  ] as const) {
    const { context, page } = await joinAs(browser, ws.links[role], name, { bypassCSP: true });
    contexts.push(context);
    pages[role] = page;
  }
  const room = await browser.newContext({ bypassCSP: true, viewport: { width: 1920, height: 1080 } });
  contexts.push(room);
  pages.room = await room.newPage();
  await pages.room.goto(ws.links.observer.replace('#', '/present#'));
  await pages.room.getByRole('timer').waitFor();
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  demo?.destroy();
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

const heading = (page: Page, n: number) => page.getByRole('region', { name: 'Stages' }).getByRole('heading', { name: new RegExp(`^Stage ${n} of 5`) });

async function atStage(n: number): Promise<void> {
  await demo.goToStage(n - 1);
  for (const role of ['facilitator', 'participant', 'observer'] as const) await heading(pages[role], n).waitFor();
  await pages.room.getByRole('region', { name: 'Stage' }).getByText(`Stage ${n} of 5`).waitFor();
}

/** Every screen is checked before the assertion, so one failure reports them all. */
async function checkEveryScreen(what: string): Promise<void> {
  const reports: string[] = [];
  for (const role of ['facilitator', 'participant', 'observer', 'room'] as const) reports.push(await violationsReport(`${role}, ${what}`, pages[role]));
  expect(reports.filter(Boolean).join('\n')).toBe('');
}

it('has no axe violations before the start, with the five stages and the facilitation notes open', async () => {
  const f = pages.facilitator;
  await f.getByRole('spinbutton', { name: 'Bottleneck mapping: planned minutes' }).waitFor();
  await f.getByText('Facilitation notes').click();
  await f.getByText('What to say').waitFor();
  await checkEveryScreen('empty board, not started');
});

it('has no axe violations in stage 1 with notes and silent writing', async () => {
  seedBottlenecks(demo.board.doc);
  setSilentWriting(demo.control.doc, true);
  await atStage(1);
  await pages.facilitator.getByRole('region', { name: 'Writing progress' }).waitFor();
  await pages.participant.getByRole('region', { name: 'Product' }).getByRole('textbox', { name: 'Note', exact: true }).fill('Search is slow');
  await pages.participant.getByRole('region', { name: 'Product' }).getByRole('button', { name: 'Add note' }).click();
  await checkEveryScreen('stage 1');
  setSilentWriting(demo.control.doc, false);
});

it('has no axe violations in stage 2 with impacts, and in the grouped view', async () => {
  seedImpacts(demo.board.doc);
  await atStage(2);
  await checkEveryScreen('stage 2');
  await pages.participant.getByRole('button', { name: 'Group by impact' }).click();
  await expectNoViolations('participant, stage 2 grouped by impact', pages.participant);
});

it('has no axe violations in stage 3, blind and revealed', async () => {
  seedInitiatives(demo.board.doc);
  await atStage(3);
  clients.push(...(await castBallots(server, ws, demo)));
  await pages.facilitator.getByText('3 ballots from 3 people').waitFor();
  await checkEveryScreen('stage 3 before the reveal');
  await pages.facilitator.getByRole('button', { name: 'Reveal' }).click();
  for (const role of ['facilitator', 'participant', 'observer', 'room'] as const) {
    await pages[role].getByRole('figure', { name: 'ROI × urgency matrix' }).waitFor();
  }
  await checkEveryScreen('stage 3 revealed');
});

it('has no axe violations in stages 4 and 5, and in the full decision log', async () => {
  seedDecisions(demo.board.doc);
  await atStage(4);
  await checkEveryScreen('stage 4');
  await atStage(5);
  for (const role of ['facilitator', 'participant', 'observer'] as const) {
    await pages[role].getByRole('button', { name: 'Show full log' }).click();
    await pages[role].getByRole('heading', { name: 'Parking lot' }).waitFor();
  }
  await checkEveryScreen('stage 5 with the full decision log');
});
