import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// One runner for every kind of test. Component tests opt into jsdom with a
// `// @vitest-environment jsdom` comment; everything else runs in Node against real parts.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Generous: browser flows take seconds alone and many times that when two files share two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // Browser and multi-process tests are heavy on a 2-core machine; keep files from starving each other.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
