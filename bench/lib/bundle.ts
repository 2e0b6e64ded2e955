// Client bundle size: a fresh production build of the current sources into a temporary
// directory (so dist/, which the server and browser tests use, is never touched), gzipped.
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

export async function bundleSize(): Promise<BundleResult> {
  const out = tempDir('scaleboard-bench-build-');
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    timeout: 120_000,
  });
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const files: BundleResult['files'] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css)$/.test(e.name)) {
        const data = fs.readFileSync(p);
        const rel = path.relative(out, p);
        files.push({ file: rel, bytes: data.length, gzipBytes: zlib.gzipSync(data, { level: 9 }).length, initial: initial.has(rel) });
      }
    }
  };
  walk(out);
  fs.rmSync(out, { recursive: true, force: true });
  const kb = (xs: typeof files) => xs.reduce((a, f) => a + f.gzipBytes, 0) / 1024;
  return { initialGzipKB: kb(files.filter((f) => f.initial)), totalGzipKB: kb(files), files };
}
