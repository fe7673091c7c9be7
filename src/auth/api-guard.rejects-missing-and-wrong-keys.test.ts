import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { revokeApiKey, listApiKeys } from './apiKeys.js';

describeEachDatabase('API guard', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('answers 401 with one body for a missing key and for a wrong key', async () => {
    const missing = await fetch(`${t.baseUrl}/api/contacts`);
    const wrong = await fetch(`${t.baseUrl}/api/contacts`, { headers: { authorization: 'Bearer rk_not-a-real-key' } });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await missing.json(), await wrong.json()];
    expect(a).toEqual(b);
    expect(a.error.code).toBe('unauthorized');
  });

  it('accepts a valid key, and no longer once it is revoked', async () => {
    expect((await t.api('GET', '/api/contacts')).status).toBe(200);
    const key = (await listApiKeys(t.ctx.store, t.ctx.workspaceId))[0]!;
    expect(key.prefix).toBe(t.apiKey.slice(0, 10));
    await revokeApiKey(t.ctx.store, t.ctx.workspaceId, key.id);
    expect((await t.api('GET', '/api/contacts')).status).toBe(401);
  });

  it('serves the OpenAPI document without a key', async () => {
    const response = await fetch(`${t.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/contacts');
  });

  it('stores keys hashed, never in clear', async () => {
    const rows = await t.ctx.store.db.selectFrom('api_keys').select('hash').execute();
    expect(rows.every((r) => r.hash !== t.apiKey && /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
  });
});
