// The built client (dist/) with sirv: the precompressed `.br` or `.gz` beside each file that the
// browser accepts (vite-plugin-compression2 writes them at build time, so nothing is compressed per
// request), hashed assets cached for good, everything else never, source maps only when asked for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';
import type { Config } from './config.js';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Vite's content-hashed output, `/assets/<name>-<hash>.<ext>`: its bytes never change under that name. */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.(?:js|css|svg|png|jpg|webp|woff2?)$/;

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, notFound: () => void) => void;

/** Serves GET/HEAD from the built client, or null when it is not built. */
export function createStaticHandler(config: Pick<Config, 'staticDir' | 'serveSourcemaps'>): StaticHandler | null {
  if (!fs.existsSync(config.staticDir)) return null;
  const serve = sirv(config.staticDir, { single: true, etag: true, brotli: true, gzip: true });
  return (req, res, notFound) => {
    const pathname = decodedPath(req.url);
    if (pathname.endsWith('.map') && !config.serveSourcemaps) return notFound();
    // Before sirv, so a 304 carries it too (a 304's Cache-Control replaces the cached one's).
    // index.html and the SPA fallback are no-store: a new deploy is picked up on the next load.
    const hashed = HASHED_ASSET.test(pathname);
    res.setHeader('cache-control', hashed ? IMMUTABLE : 'no-store');
    // The build's JS does not name its map (vite `sourcemap: 'hidden'`); when maps are served,
    // this header points devtools at it instead.
    if (config.serveSourcemaps && hashed && pathname.endsWith('.js') && fs.existsSync(path.join(config.staticDir, pathname + '.map'))) {
      res.setHeader('sourcemap', path.posix.basename(pathname) + '.map');
    }
    serve(req, res, notFound);
  };
}

function decodedPath(url: string | undefined): string {
  const raw = (url ?? '/').split('?')[0]!;
  try {
    return decodeURI(raw);
  } catch {
    return raw;
  }
}
