/**
 * Ricochet's import rules (docs/architecture.md): data flows one way and so do imports.
 * `npm test` runs them; a violation names the two files and the rule.
 */

/** Floors from the bottom: a source file imports from its own floor or below, never above. */
const FLOORS = [
  ['configuration and storage', '^src/(config|secret)\\.ts$|^src/(db|settings)/'],
  ['the HTTP edge', '^src/http/'],
  ['the context', '^src/context\\.ts$'],
  ['the audit log', '^src/audit/'],
  ['users, contacts, sending domains, designs and media', '^src/(auth|contacts|domains|designs|media)/'],
  ['tracking', '^src/tracking/'],
  ['delivery and templates', '^src/(delivery|templates)/'],
  ['campaigns, workspaces and forms', '^src/(campaigns|workspaces|forms)/'],
  ['audience', '^src/audience/'],
  ['what runs by itself, and erasure', '^src/(scheduler|erasure)/'],
  ['the app', '^src/(app|web)\\.ts$'],
  ['the command line', '^src/(demo|main)\\.ts$'],
];
const TESTS = '\\.test\\.tsx?$';

const upward = FLOORS.slice(0, -1).map(([name, path], index) => ({
  name: `no-upward-from-${name.replace(/\W+/g, '-')}`,
  comment: `${name} sits below ${FLOORS.slice(index + 1).map(([above]) => above).join(', ')}: it must not import them`,
  severity: 'error',
  from: { path, pathNot: TESTS },
  to: { path: FLOORS.slice(index + 1).map(([, above]) => `(${above})`).join('|') },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'a cycle makes two modules one', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'every-source-file-on-a-floor',
      comment: 'a new top-level file or folder in src/ needs its place in FLOORS (and in docs/architecture.md)',
      severity: 'error',
      from: { path: '^src/', pathNot: [TESTS, '^src/types/', ...FLOORS.map(([, path]) => path)] },
      to: {},
    },
    {
      name: 'source-never-imports-tests',
      comment: 'test support lives in test/support/ and only tests use it',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: `^test/|${TESTS}` },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for the cruiser to parse with: swc reads the TypeScript
    // (a type-only import counts as an import). It reads no JSX and does not tell type-only
    // imports apart, so the web app's rule (only types from the server, plus the shared SMS
    // counting code) is web/src/imports-only-types-from-the-server.test.tsx.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/|\\.tsx$' },
  },
};
