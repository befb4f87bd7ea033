import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Cross-package tests start servers, agents and browsers: one file at a time on 2 cores.
    fileParallelism: false,
  },
});
