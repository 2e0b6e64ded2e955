// The app shell offline (SPEC 10): index.html and the hashed /assets/ files, so the app starts with
// no network. Pages are network first (a new build is picked up on the next load whenever the
// server answers; the shell cached then replaces the old one and the old assets are dropped),
// hashed assets cache first (their bytes never change under one name). The API and the WebSocket
// are never cached or touched. Hand-written rather than vite-plugin-pwa/Workbox: this is all of it.
const CACHE = 'scaleboard-shell-v1';
const SHELL = '/';

const assetsOf = (html) => [...new Set([...html.matchAll(/\/assets\/[^"'\s>?#]+/g)].map((m) => m[0]))];

/** Stores `response` as the shell, with its assets, and drops assets of earlier builds. */
async function keepShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const assets = assetsOf(html);
  await cache.put(SHELL, response);
  await Promise.all(assets.map(async (a) => (await cache.match(a)) || cache.add(a).catch(() => undefined)));
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (path.startsWith('/assets/') && !assets.includes(path)) await cache.delete(req);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch(SHELL, { cache: 'no-store' })
      .then((res) => (res.ok ? keepShell(res) : undefined))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/ws' || url.pathname.startsWith('/ws/')) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .then((res) => {
          const isShell = res.ok && (res.headers.get('content-type') || '').includes('text/html');
          if (isShell) event.waitUntil(keepShell(res.clone()));
          return res;
        })
        .catch(async () => (await caches.match(SHELL)) || Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then(async (res) => {
            if (res.ok) await (await caches.open(CACHE)).put(req, res.clone());
            return res;
          }),
      ),
    );
  }
});
