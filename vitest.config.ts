import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests spawn the CLI; keep a margin on slow CI machines.
    testTimeout: 30_000,
  },
});
