import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The web app's import rule (.dependency-cruiser.cjs holds the server's; its parser reads
 * no JSX nor tells type-only imports apart): from the server's src/, the app imports only types, plus the SMS
 * counting code that the counter shares with the sender and the import rules its mapping step shares with the import. Server code in the bundle would
 * bring Node modules and secrets' neighbours into the browser.
 */
const WEB_SRC = fileURLToPath(new URL('.', import.meta.url));
const SERVER_SRC = resolve(WEB_SRC, '../../src');
const SHARED = new Set(['delivery/sms/encoding', 'delivery/sms/links', 'contacts/importRules']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every `import … from '…'` / `export … from '…'` of a file, with whether it is type-only. */
function imports(text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const found = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    found.push({ specifier: match[4]!, typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push({ specifier: match[1]!, typeOnly: false });
  return found;
}

it('imports from the server only types, the shared SMS counting code and the import rules', () => {
  const offending: string[] = [];
  let serverImports = 0;
  for (const file of sources(WEB_SRC)) {
    for (const { specifier, typeOnly } of imports(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(SERVER_SRC, resolve(file, '..', specifier)).replace(/\.(js|ts|tsx)$/, '');
      if (target.startsWith('..')) continue; // inside web/
      serverImports++;
      if (!typeOnly && !SHARED.has(target)) offending.push(`${relative(WEB_SRC, file)} imports src/${target}`);
    }
  }
  expect(offending).toEqual([]);
  expect(serverImports).toBeGreaterThan(0); // the scan sees the imports it is meant to check
});
