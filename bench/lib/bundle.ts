// The client as it ships: a fresh production build of the current sources into a temporary
// directory, and its size gzipped. bench/run.ts builds once, measures the bundle from the build and
// serves the same build to the board render bench.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ROOT, tempDir } from './servers.js';

export interface BundleResult {
  /** JS and CSS the page loads up front (index.html's scripts, preloads and styles), gzipped. */
  initialGzipKB: number;
  /** Every JS and CSS asset, gzipped. */
  totalGzipKB: number;
  files: { file: string; bytes: number; gzipBytes: number; initial: boolean }[];
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

/** The JS and CSS of a build in `dir` (see productionBuild), gzipped. */
export function bundleSize(dir: string): BundleResult {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const files: BundleResult['files'] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(sub, { withFileTypes: true })) {
      const p = path.join(sub, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css)$/.test(e.name)) {
        const data = fs.readFileSync(p);
        const rel = path.relative(dir, p);
        files.push({ file: rel, bytes: data.length, gzipBytes: zlib.gzipSync(data, { level: 9 }).length, initial: initial.has(rel) });
      }
    }
  };
  walk(dir);
  const kb = (xs: typeof files) => xs.reduce((a, f) => a + f.gzipBytes, 0) / 1024;
  return { initialGzipKB: kb(files.filter((f) => f.initial)), totalGzipKB: kb(files), files };
}
