// End to end in headless Chromium (issue 15, SPEC 8): a short workshop reaches stage 5 with three
// decisions and their metrics; its facilitator presses `Start follow-up` and is taken to the new
// workshop, with its new links shown; there Review comes first, a decision is reviewed `At risk`
// and carried over, a metric is checked in off plan, and the flag shows in the Review, in the
// chart and in the exported Markdown. The facilitator's `Tolerance (%)` moves the flag, and a
// participant's screen follows.
import fs from 'node:fs';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { ROOT, createWorkshop, waitFor, type CreatedWorkshop } from '../helpers/server.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { openDemoSession, seedWorkshopToDecisions, type DemoSession } from '../helpers/demoWorkshop.js';
import { readBoard } from '../../shared/schema.js';
import type { TestClient } from '../helpers/clients.js';

const env = useServerAndBrowser();
const contexts: BrowserContext[] = [];
const clients: TestClient[] = [];
let demo: DemoSession;
let previous: CreatedWorkshop;

beforeAll(async () => {
  const { server } = env;
  previous = await createWorkshop(server, { title: 'Scaling Q3', template: 'scaleup' });
  demo = await openDemoSession(server, previous);
  clients.push(...(await seedWorkshopToDecisions(server, previous, demo)));
  await demo.goToStage(4);
  await waitFor(() => readBoard(demo.board.doc).metrics.length === 4, 5_000, 'metrics');
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  demo?.destroy();
  clients.forEach((c) => c.destroy());
});

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
/** axe-core's violations inside the regions this feature adds to (as test/browser/a11y.test.ts runs it on whole pages). */
async function axeViolations(page: Page, regions: string[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(
    (names) =>
      (window as unknown as { axe: { run(c: object, o: object): Promise<AxeResults> } }).axe.run(
        { include: names.map((n) => [`section[aria-label="${n}"]`]) },
        { resultTypes: ['violations'] },
      ),
    regions,
  );
  expect(results.passes.length, 'axe checked something in these regions').toBeGreaterThan(0);
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const review = (page: Page) => page.getByRole('region', { name: 'Review' });
const decision = (page: Page, title: string) => review(page).getByRole('article', { name: title });
const checkIns = (page: Page, metric: string) => review(page).getByRole('region', { name: `Check-ins of ${metric}` });

it('starts a follow-up, reviews a decision At risk, checks in a metric off plan, and shows the flag in the Review, the chart and the Markdown', async () => {
  const { browser } = env;
  // CSP bypassed only so axe-core can be injected (as in a11y.test.ts).
  const { context, page } = await joinAs(browser, previous.links.facilitator, 'Grace', { bypassCSP: true });
  contexts.push(context);
  const stages = page.getByRole('region', { name: 'Stages' });
  await stages.getByRole('heading', { name: 'Stage 5 of 5: Metrics & owners' }).waitFor();

  // Start follow-up: the facilitator lands in the new workshop, whose links are shown as at creation.
  await page.getByRole('button', { name: 'Start follow-up' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/w/') && !url.pathname.includes(previous.id), { timeout: 15_000 });
  const followUpId = new URL(page.url()).pathname.split('/')[2]!;
  await page.getByRole('button', { name: 'Join' }).click(); // a new workshop: the name is filled in, Join asked once
  await page.getByText('Connected', { exact: true }).waitFor({ timeout: 15_000 });
  const links = page.getByRole('region', { name: 'Workshop links' });
  const participantLink = await links.getByLabel('Participant invite link').inputValue();
  expect(participantLink).toMatch(new RegExp(`/w/${followUpId}#token=`));
  expect(await links.getByLabel('Facilitator link (keep it secret)').inputValue()).toBe(page.url());

  // Review first, then the usual five.
  await stages.getByRole('heading', { name: 'Stage 1 of 6: Review' }).waitFor();
  await stages.getByText('All 6 stages').waitFor(); // open before the start, for the facilitator to plan
  await expect.poll(() => stages.getByRole('list', { name: 'The 6 stages' }).getByRole('listitem').allTextContents()).toEqual([
    expect.stringContaining('1. Review'),
    expect.stringContaining('2. Bottleneck mapping'),
    expect.stringContaining('3. Impact mapping'),
    expect.stringContaining('4. Prioritization'),
    expect.stringContaining('5. Build / Buy / Partner'),
    expect.stringContaining('6. Metrics & owners'),
  ]);

  // The previous decisions with DRI and phase; one is reviewed At risk, commented and carried over.
  const observability = decision(page, '#1 Observability: tracing and SLOs');
  await observability.getByText('Grace Hopper').waitFor();
  await observability.getByText('Now', { exact: true }).waitFor();
  await expect.poll(() => review(page).getByRole('article').count()).toBe(3);
  await observability.getByLabel('Status').selectOption({ label: 'At risk' });
  await observability.getByLabel('Comment').fill('Tracing on 60% of services; the vendor contract slipped');
  await observability.getByLabel('Comment').blur();
  await observability.getByRole('button', { name: 'Carry over Observability: tracing and SLOs' }).click();
  await observability.getByText('Carried over as an initiative of this workshop.').waitFor();
  // The keyboard moved to that line with the button it replaced, not to the page body.
  await page.waitForFunction(() => document.activeElement?.textContent === 'Carried over as an initiative of this workshop.');

  // A participant joins the follow-up and sees the review as it stands.
  const participant = await joinAs(browser, participantLink, 'Linus', { bypassCSP: true });
  contexts.push(participant.context);
  const theirs = decision(participant.page, '#1 Observability: tracing and SLOs');
  await expect.poll(() => theirs.getByLabel('Status').inputValue()).toBe('at-risk');
  await expect.poll(() => theirs.getByLabel('Comment').inputValue()).toBe('Tracing on 60% of services; the vendor contract slipped');

  // A check-in off plan: after its due date the plan is the target, 100%; 50 is 50% off.
  const tracing = checkIns(page, 'Services with tracing');
  await tracing.getByLabel('Value').fill('50');
  await tracing.getByLabel('Date').fill('2027-01-15');
  await tracing.getByRole('button', { name: 'Check in' }).click();
  await tracing.getByText('Checked in 50 on 2027-01-15').waitFor();
  // Ready for the next check-in: the keyboard is in the form, not on the page body.
  await page.waitForFunction(() => !!document.activeElement?.closest('.checkin-form'));
  // The flag in the Review: on the metric and on the decision, on both screens.
  await tracing.getByText('Off plan', { exact: true }).first().waitFor();
  await observability.getByRole('heading').getByText('Off plan').waitFor();
  await checkIns(participant.page, 'Services with tracing').getByText('Off plan', { exact: true }).first().waitFor();
  // The chart: the check-in drawn off the plan line, and said so in its text alternative.
  const chart = tracing.getByRole('img');
  expect(await chart.getAttribute('aria-label')).toMatch(/^Services with tracing: plan from 20 on .* to 100 on 2026-06-30; 1 check-ins, 1 off plan$/);
  expect(await tracing.locator('circle.checkin-point.off').count()).toBe(1);

  expect(await axeViolations(page, ['Review', 'Stages'])).toEqual([]);
  expect(await axeViolations(participant.page, ['Review'])).toEqual([]);

  // The facilitator's tolerance moves the flag: 50% off is on plan within 60%, off again at 15%.
  const tolerance = review(page).getByLabel('Tolerance (%)');
  expect(await review(participant.page).getByLabel('Tolerance (%)').count()).toBe(0);
  await expect.poll(() => tolerance.inputValue()).toBe('15');
  await tolerance.fill('60');
  await tolerance.press('Enter');
  await expect.poll(() => tracing.getByText('Off plan', { exact: true }).count()).toBe(0);
  await expect.poll(() => checkIns(participant.page, 'Services with tracing').getByText('Off plan', { exact: true }).count()).toBe(0);
  await tolerance.fill('15');
  await tolerance.press('Enter');
  await tracing.getByText('Off plan', { exact: true }).first().waitFor();

  // The exported Markdown says the review and the flag.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('region', { name: 'Decision log' }).getByRole('button', { name: 'Export Markdown' }).click(),
  ]);
  const md = fs.readFileSync((await download.path())!, 'utf8');
  expect(md).toContain(`- **Follows up:** \`${previous.id}\``);
  expect(md).toContain('## Review of the previous workshop');
  expect(md).toMatch(
    /\| 1 \| Observability: tracing and SLOs \(carried over\) \| Now \| Grace Hopper \| At risk \| Tracing on 60% of services; the vendor contract slipped \| Services with tracing: 20% → 100%, due 2026-06-30 \(observability\); checked in 50 on 2027-01-15, Off plan/,
  );

  // And the print page, from the same log.
  const print = await context.newPage();
  await print.goto(page.url().replace('#', '/print#'));
  const row = print.getByRole('region', { name: 'Review table' }).getByRole('row').filter({ hasText: 'Observability: tracing and SLOs' });
  await row.waitFor();
  expect(await row.textContent()).toMatch(/carried over.*Now.*Grace Hopper.*At risk.*Tracing on 60% of services.*checked in 50 on 2027-01-15, Off plan/);
});
