import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from './http/errors.js';
import { webRoutes } from './web.js';

/** The serving rules alone, over a real socket, on a stand-in build folder. */
async function serve(buildDir: string) {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandler(app);
  app.get('/api/lists', () => []);
  await webRoutes(app, buildDir);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serving the web app', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ricochet-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    server = await serve(dir);
  });
  afterAll(async () => {
    await server.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and at any page path, never cached, with a content security policy', async () => {
    for (const path of ['/', '/login', '/campaigns/12/stats?tab=behavior']) {
      const response = await fetch(server.baseUrl + path, { headers: html });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets with a long cache', async () => {
    const response = await fetch(`${server.baseUrl}/assets/app-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves the API and the public message links to their own routes, with JSON 404s', async () => {
    expect(await (await fetch(`${server.baseUrl}/api/lists`, { headers: html })).json()).toEqual([]);
    for (const path of ['/api/nope', '/t/o/forged', '/u/forged', '/healthz/x']) {
      const response = await fetch(server.baseUrl + path, { headers: html });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
    const missingAsset = await fetch(`${server.baseUrl}/assets/gone.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('says how to build the app when it has not been built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ricochet-web-empty-'));
    const bare = await serve(empty);
    try {
      const response = await fetch(`${bare.baseUrl}/login`, { headers: html });
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:web');
    } finally {
      await bare.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
