import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Suites wait on sockets, databases, child processes and Chromium as much as they compute: two
    // files at a time (Vitest's default is one fewer than the cores, a single file on two) take a
    // fifth off the whole run; three overload two cores until browser journeys time out.
    maxWorkers: 2,
  },
});
