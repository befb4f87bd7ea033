import { defineConfig } from 'vitest/config';

// Unit tests of the dashboard's pure modules (the views are covered by tests/browser).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
