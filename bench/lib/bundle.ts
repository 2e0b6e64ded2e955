// The client as it ships: a fresh production build of the current sources into a temporary
// directory, and the bytes a browser downloads for it: our server serves the build and every JS and
// CSS file is fetched as a browser would, once accepting brotli and once gzip only, counting the
// bytes on the wire (whatever encoding the server chose; identity if it sends the file as is).
// bench/run.ts builds once, measures the bundle from the build and serves the same build to the
// board render bench.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startServer, tempDir } from './servers.js';

export interface BundleFile {
  file: string;
  /** Size of the file itself. */
  bytes: number;
  /** Bytes downloaded with `accept-encoding: br, gzip` and the content-encoding the server sent. */
  brBytes: number;
  brEncoding: string;
  /** Bytes downloaded with `accept-encoding: gzip` and the content-encoding the server sent. */
  gzipBytes: number;
  gzipEncoding: string;
  /** Loaded up front (named by index.html), not on demand. */
  initial: boolean;
}

export interface BundleResult {
  /** JS and CSS the page loads up front (index.html's scripts, preloads and styles), as downloaded by a brotli-capable browser. */
  initialBrotliKB: number;
  /** The same as downloaded by a browser that accepts gzip only. */
  initialGzipKB: number;
  /** Every JS and CSS asset, downloaded with brotli and with gzip. */
  totalBrotliKB: number;
  totalGzipKB: number;
  files: BundleFile[];
}

/**
 * A production build of the current client in a new temporary directory (the caller removes it).
 * Not dist/: the bench must not race the browser tests, which rebuild dist/ when it is stale, nor
 * serve a dist/ older than the sources. NODE_ENV=production as scripts/builds.ts sets it, so a
 * NODE_ENV from the environment cannot give React's development build.
 */
export async function productionBuild(): Promise<string> {
  const out = tempDir('scaleboard-bench-build-');
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 120_000,
  });
  return out;
}

/** The JS and CSS of a build in `dir` (see productionBuild) as our server sends them to a browser. */
export async function servedBundleSize(dir: string): Promise<BundleResult> {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const assets: string[] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(sub, { withFileTypes: true })) {
      const p = path.join(sub, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css)$/.test(e.name)) assets.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  const server = await startServer('ours', { env: { STATIC_DIR: dir } });
  try {
    const files: BundleFile[] = [];
    for (const file of assets) {
      const br = await download(`${server.httpUrl}/${file}`, 'br, gzip');
      const gz = await download(`${server.httpUrl}/${file}`, 'gzip');
      files.push({
        file,
        bytes: fs.statSync(path.join(dir, file)).size,
        brBytes: br.bytes,
        brEncoding: br.encoding,
        gzipBytes: gz.bytes,
        gzipEncoding: gz.encoding,
        initial: initial.has(file),
      });
    }
    const kb = (xs: BundleFile[], key: 'brBytes' | 'gzipBytes') => xs.reduce((a, f) => a + f[key], 0) / 1024;
    const up = files.filter((f) => f.initial);
    return { initialBrotliKB: kb(up, 'brBytes'), initialGzipKB: kb(up, 'gzipBytes'), totalBrotliKB: kb(files, 'brBytes'), totalGzipKB: kb(files, 'gzipBytes'), files };
  } finally {
    await server.stop();
  }
}

/** GETs `url` and counts the body bytes as they arrive (node:http does not decode them). */
function download(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`GET ${url}: ${res.statusCode}`));
        }
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
