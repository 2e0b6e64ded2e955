// End to end in headless Chromium: the app shell offline (SPEC 10, issue 17), client/public/sw.js
// and the web app manifest. The server serves a copy of the built client, so the test can deploy
// a "new build" (a new entry script under a new hash, a page that says which build) and restart:
// the next load with the server answering runs it and caches it in place of the old one, and an
// offline start then runs the new build. The API and the WebSocket never go through the service
// worker's cache. And the app is installable to a home screen (Chromium's own check).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useServerAndBrowser } from '../helpers/suites.js';
import { ROOT, createWorkshop, waitFor } from '../helpers/server.js';
import { shellCached } from '../helpers/workshopPage.js';

// Uncompressed, so the files the test rewrites are the ones served (no stale .br/.gz beside them).
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleboard-static-'));
fs.cpSync(path.join(ROOT, 'dist'), staticDir, { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
const env = useServerAndBrowser({ env: { STATIC_DIR: staticDir } });

/** Every URL path in the page's Cache Storage. */
const cachedPaths = (page: Page) =>
  page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
    return out.sort();
  });

const buildOf = (page: Page) => page.evaluate(() => document.querySelector('meta[name="scaleboard-build"]')?.getAttribute('content') ?? 'first');

it('starts offline from the cached shell, and a new build replaces it the next time the server answers', { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByRole('button', { name: 'New workshop' }).waitFor();
  await shellCached(page);
  const assets = path.join(staticDir, 'assets');
  const oldJs = fs.readdirSync(assets).find((f) => /^index-.+\.js$/.test(f))!;
  await waitFor(async () => (await cachedPaths(page)).includes(`/assets/${oldJs}`), 10_000, 'the entry script cached');
  expect(await cachedPaths(page)).toContain('/');

  // A new build is deployed: the server restarts (same address) on new files.
  await env.server.stop();
  const newJs = 'index-NEWBUILD2.js';
  fs.renameSync(path.join(assets, oldJs), path.join(assets, newJs));
  const indexHtml = path.join(staticDir, 'index.html');
  const html = fs.readFileSync(indexHtml, 'utf8');
  expect(html).toContain(`/assets/${oldJs}`);
  fs.writeFileSync(indexHtml, html.replace(`/assets/${oldJs}`, `/assets/${newJs}`).replace('<title>', '<meta name="scaleboard-build" content="2" />\n    <title>'));
  env.server = await env.server.restart();

  // The next load, with the server answering, runs the new build and caches it instead of the old.
  await page.reload();
  await page.getByRole('button', { name: 'New workshop' }).waitFor();
  expect(await buildOf(page)).toBe('2');
  await waitFor(
    async () => {
      const paths = await cachedPaths(page);
      return paths.includes(`/assets/${newJs}`) && !paths.includes(`/assets/${oldJs}`);
    },
    10_000,
    'the new build cached and the old entry script dropped',
  );

  // With no network at all, the app still starts, as the new build.
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('button', { name: 'New workshop' }).waitFor();
  expect(await buildOf(page)).toBe('2');
  await context.close();
});

it('never answers or keeps the API or the WebSocket from its cache', { timeout: 90_000 }, async () => {
  const ws = await createWorkshop(env.server, { title: 'Shell and API', template: 'scaleup' });
  const context = await env.browser.newContext();
  const seen: { path: string; fromServiceWorker: boolean }[] = [];
  context.on('response', (res) => seen.push({ path: new URL(res.url()).pathname, fromServiceWorker: res.fromServiceWorker() }));
  const page = await context.newPage();
  await page.goto(env.server.url);
  await shellCached(page);
  await page.goto(ws.links.participant);
  await page.getByLabel('Your name').fill('Ada');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByText('Connected', { exact: true }).waitFor();
  await page.reload();
  await page.getByText('Connected', { exact: true }).waitFor();

  // The service worker answered the pages (it is in the path), never the API.
  expect(seen.some((r) => r.path === `/w/${ws.id}` && r.fromServiceWorker)).toBe(true);
  const api = seen.filter((r) => r.path.startsWith('/api/'));
  expect(api.length).toBeGreaterThan(0);
  expect(api.filter((r) => r.fromServiceWorker)).toEqual([]);
  expect((await cachedPaths(page)).filter((p) => p.startsWith('/api/') || p.startsWith('/ws'))).toEqual([]);

  // Offline, the API is not there: no stale answer from a cache.
  await context.setOffline(true);
  const offline = await page.evaluate(async (id) => {
    try {
      const res = await fetch(`/api/workshops/${id}/session`);
      return `answered ${res.status}`;
    } catch (err) {
      return (err as Error).name;
    }
  }, ws.id);
  expect(offline).toBe('TypeError');
  await context.close();
});

it('is installable to a home screen: a manifest with icons, under its Content-Security-Policy', { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByRole('button', { name: 'New workshop' }).waitFor();
  await shellCached(page);
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: { message: string }[]; data?: string };
  expect(manifest.url).toBe(`${env.server.url}/manifest.webmanifest`);
  expect(manifest.errors).toEqual([]);
  const data = JSON.parse(manifest.data ?? '{}') as { name?: string; display?: string; icons?: { src: string; sizes: string; type: string }[] };
  expect(data.name).toBe('Scaleboard');
  expect(data.display).toBe('standalone');
  // Each PNG icon is served, as a PNG of the size the manifest says.
  for (const icon of (data.icons ?? []).filter((i) => i.type === 'image/png')) {
    const res = await page.request.get(new URL(icon.src, env.server.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    const png = await res.body();
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(`${w}x${h}`).toBe(icon.sizes);
  }
  // Chromium's installability check finds nothing missing (an incognito-like test profile aside).
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  await context.close();
});
