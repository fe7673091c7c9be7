import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';

export type DatabaseKind = 'sqlite' | 'postgres';

const adminUrl = process.env.TEST_DATABASE_URL;

/** A fresh, empty database of the given kind; drop() removes it. */
export async function freshDatabase(kind: DatabaseKind): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ricochet-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `ricochet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Declares the suite once per database: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL points at a server (CI always sets it). Without it the
 * PostgreSQL copy is reported as skipped, with the reason in its name.
 */
/** A suite for PostgreSQL alone (what only a deployment of several processes on one PostgreSQL does), skipped saying why without it. */
export function describeOnPostgres(title: string, suite: (kind: DatabaseKind) => void): void {
  if (adminUrl) describe(`${title} [postgres]`, () => suite('postgres'));
  else describe.skip(`${title} [postgres] — skipped: set TEST_DATABASE_URL to a PostgreSQL server to run`, () => suite('postgres'));
}

export function describeEachDatabase(title: string, suite: (kind: DatabaseKind) => void): void {
  describe(`${title} [sqlite]`, () => suite('sqlite'));
  if (adminUrl) {
    describe(`${title} [postgres]`, () => suite('postgres'));
  } else {
    describe.skip(`${title} [postgres] — skipped: set TEST_DATABASE_URL to a PostgreSQL server to run`, () => suite('postgres'));
  }
}
