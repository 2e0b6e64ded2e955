import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

// The client lives in client/; `npm run build` writes dist/, which the server serves.
// In `npm run dev` Vite proxies the API and the WebSocket to the Node server (see scripts/dev.ts).
const serverPort = Number(process.env.SERVER_PORT ?? 8081);

export default defineConfig({
  root: 'client',
  // Precompressed `.br` and `.gz` beside each asset (best quality, once at build time): the server
  // sends whichever the browser accepts without compressing per request (see server/staticFiles.ts).
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], logLevel: 'silent' })],
  // 'hidden': maps are written for debugging (and SERVE_SOURCEMAPS=1) but the JS does not point
  // at them, so a production page never asks for a file the server does not serve.
  build: { outDir: '../dist', emptyOutDir: true, sourcemap: 'hidden' },
  server: {
    port: Number(process.env.PORT ?? 5173),
    proxy: {
      '/api': `http://localhost:${serverPort}`,
      '/healthz': `http://localhost:${serverPort}`,
      '/ws': { target: `ws://localhost:${serverPort}`, ws: true },
    },
  },
});
