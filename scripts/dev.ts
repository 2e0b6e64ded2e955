// `npm run dev`: the Node server (API + WebSocket) on SERVER_PORT with auto-restart, and Vite's
// dev server with hot reload on PORT (default 5173) proxying /api and /ws to it.
import { spawn, type ChildProcess } from 'node:child_process';

const serverPort = process.env.SERVER_PORT ?? '8081';
const vitePort = process.env.PORT ?? '5173';
const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/main.ts'], {
    stdio: 'inherit',
    // Links handed out must point at the Vite dev server, which proxies to us.
    env: { ...process.env, PORT: serverPort, PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${vitePort}` },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js'], {
    stdio: 'inherit',
    env: { ...process.env, SERVER_PORT: serverPort, PORT: vitePort },
  }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => code && stop());
