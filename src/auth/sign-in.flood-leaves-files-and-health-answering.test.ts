import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createUser } from './users.js';

const FLOOD = 64;

describeEachDatabase('a flood of sign-ins', (kind) => {
  let t: TestApp;
  let webDir: string;
  let password: string;
  beforeAll(async () => {
    // A stand-in web build: its files are read from disk on every request, like the real one.
    webDir = mkdtempSync(join(tmpdir(), 'ricochet-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log("app")');
    // Behind a trusted proxy, each guess can come from its own address, so the per-address limit does not stop the flood.
    t = await startTestApp(kind, { TRUST_PROXY: '127.0.0.1' }, { webBuildDir: webDir });
    password = (await createUser(t.ctx.store, 'owner@example.test', Date.now())).password;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const signIn = (i: number) =>
    fetch(`${t.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
      body: JSON.stringify({ email: `guess${i}@example.test`, password: 'wrong' }),
    });

  it('still serves files and health checks while most password checks are still to come', async () => {
    let checked = 0;
    let firstChecked!: () => void;
    const oneChecked = new Promise<void>((resolve) => (firstChecked = resolve));
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      signIn(i).then((response) => {
        if (response.status === 401) {
          checked++;
          firstChecked();
        }
        return response;
      }),
    );
    // Once a password has been checked, the flood has arrived: its sign-ins are hashing or waiting to.
    await oneChecked;

    const checkedWhenAnswered = async (path: string) => {
      const response = await fetch(t.baseUrl + path);
      return { status: response.status, body: await response.text(), checked };
    };
    const [file, health] = await Promise.all([checkedWhenAnswered('/assets/app-abc123.js'), checkedWhenAnswered('/healthz')]);
    expect(file).toMatchObject({ status: 200, body: 'console.log("app")' });
    expect(health.status).toBe(200);

    const responses = await Promise.all(flood);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    // Each was either checked, or refused at once with a hint to retry shortly; none failed.
    for (const [i, response] of responses.entries()) {
      if (response.status === 401) continue;
      expect(response.status).toBe(429);
      expect(bodies[i].error.code).toBe('busy');
      expect(response.headers.get('retry-after')).toBe('1');
    }
    // Hashing no longer holds the threads that file reads need: the file came before most password checks were done.
    expect(checked).toBeGreaterThanOrEqual(FLOOD / 4);
    expect(file.checked).toBeLessThan(checked / 2);
    expect(health.checked).toBeLessThan(checked / 2);
  });

  it('signs in normally once the flood is over', async () => {
    const response = await fetch(`${t.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.test', password }),
    });
    expect(response.status).toBe(201);
  });
});
