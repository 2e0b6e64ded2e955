import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client lives in client/; `npm run build` writes dist/, which the server serves.
// In `npm run dev` Vite proxies the API and the WebSocket to the Node server (see scripts/dev.ts).
const serverPort = Number(process.env.SERVER_PORT ?? 8081);

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: '../dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: Number(process.env.PORT ?? 5173),
    proxy: {
      '/api': `http://localhost:${serverPort}`,
      '/healthz': `http://localhost:${serverPort}`,
      '/ws': { target: `ws://localhost:${serverPort}`, ws: true },
    },
  },
});
