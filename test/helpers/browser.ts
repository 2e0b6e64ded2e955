// Headless Chromium for end-to-end tests: Debian's chromium driven by playwright-core.
// Downloading a browser does not work on these machines, so a missing Chromium is a clear failure
// that says how to install it, never a silent pass.
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Browser tests need it: on Debian/Ubuntu run ` +
        '`sudo apt-get update && sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium/Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // playwright gives every launch a fresh, empty user-data-dir of its own.
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Opens `url` in a fresh context (with `options`, e.g. a touch screen) and joins the workshop under `name` (answers `Your name`). */
export async function joinAs(
  browser: Browser,
  url: string,
  name: string,
  options?: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByText('Connected', { exact: true }).waitFor({ timeout: 15_000 });
  return { context, page };
}
