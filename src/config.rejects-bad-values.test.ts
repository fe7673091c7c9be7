import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const run = promisify(execFile);

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toMatch(/^sqlite:.*data\/ricochet\.db$/);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.smsSendWindow).toBe('Mon-Sat 08:00-20:00 Europe/Paris');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ SECRET: 'short' }, 'SECRET'],
    [{ DKIM_DOMAIN: 'example.com' }, 'DKIM_SELECTOR'],
    [{ TRACKING_CONSENT_DEFAULT: 'maybe' }, 'TRACKING_CONSENT_DEFAULT'],
  ])('names the variable in error: %o', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
    }
  });

  it('makes the CLI exit non-zero with the variable named, and prints a new API key alone on the last line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '' };
    try {
      const bad = await run('node', ['--import', 'tsx', 'src/main.ts', 'migrate'], { env: { ...env, PORT: 'eighty' } }).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('PORT: must be a whole number');
      expect(bad.stderr).not.toMatch(/\n\s+at /);

      const created = await run('node', ['--import', 'tsx', 'src/main.ts', 'apikey', 'create', 'ci'], { env });
      const lastLine = created.stdout.trim().split('\n').pop();
      expect(lastLine).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
      const listed = await run('node', ['--import', 'tsx', 'src/main.ts', 'apikey', 'list'], { env });
      expect(listed.stdout).toContain('ci');
      expect(listed.stdout).not.toContain(lastLine);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
