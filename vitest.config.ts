import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Child processes (the in-process command line changes folder, which a worker thread cannot);
    // one per core: vitest's default leaves one of two cores idle.
    pool: 'forks',
    maxWorkers: Math.max(availableParallelism(), 1),
    // A few end-to-end tests spawn the CLI or a browser; keep a margin on slow CI machines.
    testTimeout: 30_000,
  },
});
