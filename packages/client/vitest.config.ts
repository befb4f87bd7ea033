import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // The CLI tests each start an API on their own database; two at a time suits 2 cores.
    maxWorkers: 2,
  },
});
