// End to end in headless Chromium: create a workshop from the landing page, then a participant
// joins through the invite link in a second browser context, and each sees the other.
import { expect, it } from 'vitest';
import { joinAs } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suites.js';

const env = useServerAndBrowser();

it('creates a workshop on the landing page and two people see each other in Participants', async () => {
  const facilitatorContext = await env.browser.newContext();
  const page = await facilitatorContext.newPage();
  await page.goto(env.server.url);
  await page.getByRole('button', { name: 'New workshop' }).click();
  await page.getByLabel('Workshop title').fill('Platform scaling Q3');
  await page.getByLabel('Template').selectOption('enterprise');
  await page.getByRole('button', { name: 'Create workshop' }).click();

  const facilitatorLink = await page.getByLabel('Facilitator link (keep it secret)').inputValue();
  const participantLink = await page.getByLabel('Participant invite link').inputValue();
  const observerLink = await page.getByLabel('Observer link (read-only)').inputValue();
  for (const link of [facilitatorLink, participantLink, observerLink]) {
    expect(link).toMatch(new RegExp(`^${env.server.url.replace('127.0.0.1', '(127\\.0\\.0\\.1|localhost)')}/w/[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{40,}$`));
  }

  await page.goto(facilitatorLink);
  await page.getByLabel('Your name').fill('Grace');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByText('Connected', { exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Platform scaling Q3' }).waitFor();

  const { context: participantContext, page: participant } = await joinAs(env.browser, participantLink, 'Linus');

  const facilitatorSees = page.getByRole('region', { name: 'Participants' });
  const participantSees = participant.getByRole('region', { name: 'Participants' });
  await facilitatorSees.getByText('Linus').waitFor();
  await participantSees.getByText('Grace').waitFor();
  expect(await facilitatorSees.getByRole('listitem').count()).toBe(2);
  expect(await participantSees.getByRole('listitem').count()).toBe(2);
  expect(await participantSees.getByRole('listitem').filter({ hasText: 'Grace' }).textContent()).toContain('facilitator');
  await participantContext.close();
  await facilitatorContext.close();
});
