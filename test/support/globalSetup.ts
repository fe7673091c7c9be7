import type { TestProject } from 'vitest/node';
import { ensureServerBuild } from '../../web/build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the server did not compile, or '' when dist/server is the build of the sources the run started with. */
    serverBuildFailure: string;
  }
}

/**
 * Compiles the server into dist/server once, before the test files start, when a source is newer than
 * the last build: tests that start Ricochet processes run it compiled (test/support/compiled.ts). A
 * build inside a test would count against its timeout and slow the files running beside it. A server
 * that does not compile fails only those tests, with the compiler's message.
 */
export default async function compileTheServer(project: TestProject): Promise<void> {
  const failure = await ensureServerBuild({ quiet: true }).then(
    () => '',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  project.provide('serverBuildFailure', failure);
}
