// The two build outputs and when they are stale: the client (vite, into dist/) and the server
// (tsc, into dist-server/, what `npm start` runs). Tests and the bench rebuild whichever is older
// than its sources, so they always run the current code the way production runs it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** The compiled server's entry point (see tsconfig.server.json). */
export const SERVER_ENTRY = path.join(ROOT, 'dist-server', 'server', 'main.js');

function newestMtime(p: string): number {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

const isStale = (output: string, sources: string[]): boolean =>
  !fs.existsSync(output) || fs.statSync(output).mtimeMs < Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s))));

export function ensureClientBuild(): void {
  if (!isStale(path.join(ROOT, 'dist', 'index.html'), ['client', 'shared', 'vite.config.ts'])) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would give React's development build; build what ships.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export function ensureServerBuild(): void {
  if (!isStale(SERVER_ENTRY, ['server', 'shared', 'tsconfig.json', 'tsconfig.server.json'])) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json'], { cwd: ROOT, stdio: 'inherit' });
  // tsc leaves an unchanged file's old output in place; touch the entry so the check above holds.
  const now = new Date();
  fs.utimesSync(SERVER_ENTRY, now, now);
}
