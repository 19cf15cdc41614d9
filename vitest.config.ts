import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Temporary folders under one folder of the run, removed at its end (QUALWAVE_KEEP_TEST_TMP keeps it).
    globalSetup: ['tests/global-setup.ts'],
    // Child processes (the in-process command line changes folder, which a worker thread cannot);
    // one per core: vitest's default leaves one of two cores idle.
    pool: 'forks',
    maxWorkers: Math.max(availableParallelism(), 1),
    // A few end-to-end tests spawn the CLI or a browser, or run a command once per write step; keep
    // a margin on slow or shared CI machines (30 s was passed under load by the REFI round trip).
    testTimeout: 60_000,
  },
});
