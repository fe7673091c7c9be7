import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Suites wait on sockets, databases, child processes and Chromium as much as they compute: two
    // files at a time (Vitest's default is one fewer than the cores, a single file on two) take a
    // fifth off the whole run; three overload two cores until browser journeys time out.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Server suites share their worker's loaded modules instead of loading the app again for
        // each file (a fifth of the run was spent importing): each file starts and stops its own
        // apps, databases and servers, so nothing else carries over.
        test: { name: 'server', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], isolate: false, globalSetup: ['test/support/globalSetup.ts'] },
      },
      // Component tests set up a DOM and mock modules per file: each file in a fresh context.
      { extends: true, test: { name: 'web', include: ['web/src/**/*.test.tsx'] } },
    ],
  },
});
