// End to end in headless Chromium, the scaling plan (SPEC 7): a participant enters a growth model,
// adds two bottlenecks with thresholds and sees when they break; the room scores and reveals; the
// forecast urgency shows beside scoring and the matrix marks where the room and the forecast
// disagree; phases are decided; the Roadmap region has a warning and a deferred initiative, and
// the exported JSON says the same.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';
import { boardOf, card, createInitiative, score, stageHeading } from '../helpers/workshopPage.js';
import { createWorkshop } from '../helpers/server.js';
import type { DecisionLog } from '../../shared/log/types.js';

const env = useServerAndBrowser();

const growth = (page: Page) => page.getByRole('region', { name: 'Growth scenarios' });
const roadmap = (page: Page) => page.getByRole('region', { name: 'Roadmap' });

async function addNoteWithThreshold(page: Page, lane: string, text: string, threshold?: { value: string; unit: string }) {
  const region = boardOf(page).getByRole('region', { name: lane, exact: true });
  await region.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await region.getByRole('button', { name: 'Add note' }).click();
  const note = region.getByRole('listitem').filter({ hasText: text });
  await note.waitFor();
  if (!threshold) return;
  await note.getByRole('button', { name: 'Threshold' }).click();
  await note.getByLabel('Threshold kind').selectOption({ label: 'Traffic' });
  await note.getByLabel('Value').fill(threshold.value);
  await note.getByLabel('Unit').fill(threshold.unit);
  await note.getByRole('button', { name: 'Save threshold' }).click();
}



it('forecasts bottlenecks from a growth model and lays the decisions out as a roadmap with a warning and a deferred initiative', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Plan Q3', template: 'scaleup' });
  const f = await joinAs(env.browser, ws.links.facilitator, 'Grace');
  const ada = await joinAs(env.browser, ws.links.participant, 'Ada');
  const bob = await joinAs(env.browser, ws.links.participant, 'Bob');
  const observer = await joinAs(env.browser, ws.links.observer, 'Olga');

  // --- Stage 1: the growth model. The template's starting values are there; Ada sets realistic traffic growth.
  const traffic = (page: Page) => growth(page).getByRole('group', { name: 'Traffic' });
  const open = async (page: Page) => {
    const details = growth(page).locator('details.growth-details');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('> summary').click();
  };
  await open(ada.page);
  expect(await traffic(ada.page).getByLabel('Current').inputValue()).toBe('10000');
  expect(await traffic(ada.page).getByLabel('Unit').inputValue()).toBe('concurrent users');
  await traffic(ada.page).getByLabel('Realistic').fill('10');
  await traffic(ada.page).getByLabel('Realistic').press('Enter');
  await open(f.page);
  await expect.poll(() => traffic(f.page).getByLabel('Realistic').inputValue()).toBe('10');
  // Observers read it but cannot change it.
  await open(observer.page);
  expect(await traffic(observer.page).getByLabel('Realistic').getAttribute('readonly')).not.toBeNull();

  // Two bottlenecks with traffic thresholds, and one without.
  // 20k at +10 %/month from 10k: ln 2 / ln 1.1 = 7.3 months. 12k: ln 1.2 / ln 1.1 = 1.9 months.
  await addNoteWithThreshold(ada.page, 'Product', 'Checkout p99 over 2 s', { value: '20000', unit: 'concurrent users' });
  await addNoteWithThreshold(ada.page, 'Platform', 'Search index falls behind', { value: '12000', unit: 'concurrent users' });
  await addNoteWithThreshold(bob.page, 'Organization', 'Docs are out of date');
  for (const page of [ada.page, f.page]) {
    const checkout = boardOf(page).getByRole('listitem').filter({ hasText: 'Checkout p99 over 2 s' });
    await checkout.getByText(/Forecast: breaks in ~7 months/).waitFor();
    const search = boardOf(page).getByRole('listitem').filter({ hasText: 'Search index falls behind' });
    await search.getByText(/Forecast: breaks in ~2 months/).waitFor();
  }
  // The chart's data table, its text alternative, has the threshold's break months.
  await growth(f.page).getByText('Chart data as a table').click();
  await growth(f.page).getByRole('row', { name: /Threshold: Checkout p99 over 2 s/ }).getByText(/realistic 7\.3 months/).waitFor();

  // --- Stage 2: order by soonest break.
  await f.page.getByRole('button', { name: 'Next stage' }).click();
  await stageHeading(ada.page, 2, 'Impact mapping').waitFor();
  await boardOf(ada.page).getByRole('button', { name: 'Soonest break first' }).click();
  // (one per lane here; the ordering itself is covered by test/component/soonest-break.test.tsx)

  // --- Stage 3: initiatives, forecast urgency beside blind scoring, reveal, mismatch mark.
  await f.page.getByRole('button', { name: 'Next stage' }).click();
  await stageHeading(ada.page, 3, 'Prioritization').waitFor();
  await createInitiative(ada.page, ['Checkout p99 over 2 s'], 'Checkout rewrite');
  await createInitiative(ada.page, ['Search index falls behind'], 'Search cluster');
  await createInitiative(bob.page, ['Docs are out of date'], 'Docs portal');
  await card(ada.page, 'Checkout rewrite').getByText(/Forecast urgency 3\/5/).waitFor(); // 7.3 months: under 12
  await card(ada.page, 'Search cluster').getByText(/Forecast urgency 5\/5/).waitFor(); // 1.9 months: under 3
  expect(await card(ada.page, 'Docs portal').getByText(/Forecast urgency/).count()).toBe(0);
  for (const page of [ada.page, bob.page]) {
    await score(page, 'Checkout rewrite', 5, 1); // the room says 1; the forecast says 3: a mismatch of 2
    await score(page, 'Search cluster', 4, 5);
    await score(page, 'Docs portal', 1, 1);
  }
  await boardOf(f.page).getByLabel('Top N').selectOption('2');
  await f.page.getByText('2 ballots from 2 people').waitFor();
  await f.page.getByRole('button', { name: 'Reveal' }).click();
  const matrix = boardOf(ada.page).getByRole('figure', { name: 'ROI × urgency matrix' });
  await matrix.waitFor();
  const caption = matrix.locator('figcaption');
  await expect.poll(() => caption.textContent()).toMatch(/disagree on urgency: Checkout rewrite \(room urgency 1\.0, forecast 3\)/);
  expect(await caption.textContent()).not.toMatch(/Search cluster \(room urgency/); // 5 and 5 agree
  expect(await matrix.locator('.matrix-mismatch').count()).toBe(1);

  // --- Stage 4: phases. The roadmap appears.
  await f.page.getByRole('button', { name: 'Next stage' }).click();
  await stageHeading(ada.page, 4, 'Build / Buy / Partner').waitFor();
  await card(ada.page, 'Checkout rewrite').getByLabel('Phase').selectOption({ label: 'Later' });
  await card(ada.page, 'Search cluster').getByLabel('Phase').selectOption({ label: 'Next' });
  for (const page of [ada.page, f.page, observer.page]) {
    const r = roadmap(page);
    await r.getByRole('group', { name: 'Next' }).getByText('Search cluster').waitFor();
    await r.getByRole('group', { name: 'Later' }).getByText('Checkout rewrite').waitFor();
    await r.getByRole('group', { name: 'Now' }).getByText('Nothing yet.').waitFor();
    await r.getByRole('group', { name: 'Deferred' }).getByText('Docs portal').waitFor();
    await r.getByRole('group', { name: 'Deferred' }).getByText(/ROI 1\.0 · urgency 1\.0/).waitFor();
    // Search breaks in ~2 months, before Next starts (month 3); Checkout's 7.3 is after Later starts (6).
    await r.getByText(/Search index falls behind \(#1\): breaks in 2 months, its initiative is in Next/).waitFor();
    expect(await r.getByText(/Checkout p99 over 2 s \(#2\)/).count()).toBe(0);
    await r.getByText(/10× today, realistic: in 24 months/).waitFor(); // ln 10 / ln 1.1 = 24.2
  }

  // --- The exported JSON says the same.
  const [download] = await Promise.all([
    f.page.waitForEvent('download'),
    f.page.getByRole('region', { name: 'Decision log' }).getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const log = JSON.parse(fs.readFileSync((await (download as Download).path())!, 'utf8')) as DecisionLog;
  expect(log.scenarios?.find((s) => s.kind === 'traffic')).toMatchObject({ current: 10_000, growth: { realistic: 10 } });
  // ROI × urgency: Search 4 × 5 = 20 ranks above Checkout 5 × 1 = 5.
  expect(log.decisions.map((d) => [d.rank, d.initiative, d.forecastUrgency])).toEqual([
    [1, 'Search cluster', 5],
    [2, 'Checkout rewrite', 3],
  ]);
  expect(log.roadmap).toMatchObject({ now: [], next: [1], later: [2], deferred: [{ initiative: 'Docs portal', roi: 1, urgency: 1 }] });
  expect(log.roadmap!.warnings).toEqual([{ bottleneckId: expect.any(String), rank: 1, text: 'breaks in 2 months, its initiative is in Next' }]);
  expect(log.bottlenecks.find((b) => b.text === 'Checkout p99 over 2 s')!.forecast).toMatchObject({ realistic: 7.3 });
});
