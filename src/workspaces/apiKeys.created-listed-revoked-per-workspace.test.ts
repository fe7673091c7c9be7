import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { createUser } from '../auth/users.js';

describeEachDatabase('API keys over HTTP', (kind) => {
  const t = useTestApp(kind);

  it('creates a key with a role, shown once, that works with exactly that role', async () => {
    const created = await t.api('POST', '/api/api-keys', { name: ' Zapier ', role: 'editor' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), name: 'Zapier', role: 'editor', prefix: created.body.key.slice(0, 10), createdAt: expect.any(String), key: expect.stringMatching(/^rk_[\w-]{43}$/) });
    const zapier = t.apiWith(created.body.key);
    expect((await zapier('GET', '/api/contacts')).status).toBe(200);
    expect((await zapier('POST', '/api/lists', { name: 'From Zapier' })).status).toBe(201);
    expect(await zapier('GET', '/api/api-keys')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await zapier('POST', '/api/campaigns/999999/send', {})).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });

    const listed = (await t.api('GET', '/api/api-keys')).body;
    expect(listed.find((k: { id: number }) => k.id === created.body.id)).toEqual({
      id: created.body.id,
      name: 'Zapier',
      role: 'editor',
      prefix: created.body.prefix,
      createdAt: created.body.createdAt,
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });
    expect(listed.every((k: Record<string, unknown>) => !('key' in k) && !('hash' in k))).toBe(true);
    // Without a role, an admin key (as the CLI makes).
    expect((await t.api('POST', '/api/api-keys', { name: 'default' })).body.role).toBe('admin');
  });

  it('lists and revokes keys per workspace: another workspace’s key is 404 and keeps working', async () => {
    const brand = await addWorkspace(t, 'Brand B');
    const brandKeys = (await brand.api('GET', '/api/api-keys')).body;
    expect(brandKeys.map((k: { name: string; role: string }) => [k.name, k.role])).toEqual([['Brand B admin', 'admin']]);
    const ours = (await t.api('GET', '/api/api-keys')).body.map((k: { id: number }) => k.id);
    expect(ours).not.toContain(brandKeys[0].id);

    const missing = await t.api('DELETE', '/api/api-keys/999999');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await t.api('DELETE', `/api/api-keys/${brandKeys[0].id}`)).body).toEqual(missing.body);
    expect((await brand.api('GET', '/api/contacts')).status).toBe(200);

    const doomed = (await t.api('POST', '/api/api-keys', { name: 'Old script', role: 'viewer' })).body;
    expect((await t.apiWith(doomed.key)('GET', '/api/contacts')).status).toBe(200);
    expect((await t.api('DELETE', `/api/api-keys/${doomed.id}`)).status).toBe(204);
    expect((await t.apiWith(doomed.key)('GET', '/api/contacts')).status).toBe(401);
    expect((await t.api('GET', '/api/api-keys')).body.find((k: { id: number }) => k.id === doomed.id).revokedAt).toEqual(expect.any(String));
    expect((await t.api('DELETE', `/api/api-keys/${doomed.id}`)).body).toEqual(missing.body);
  });

  it('lets only owners create or revoke an owner key', async () => {
    expect(await t.api('POST', '/api/api-keys', { name: 'Takeover', role: 'owner' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const { password } = await createUser(t.ctx.store, 'owner@example.test', t.ctx.now());
    const signIn = await fetch(`${t.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@example.test', password }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = await signIn.json();
    const created = await fetch(`${t.baseUrl}/api/api-keys`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Owner script', role: 'owner' }),
    });
    expect(created.status).toBe(201);
    const ownerKey = await created.json();
    expect(ownerKey.role).toBe('owner');
    expect(await t.api('DELETE', `/api/api-keys/${ownerKey.id}`)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await t.apiWith(ownerKey.key)('GET', '/api/contacts')).status).toBe(200);
    const revoked = await fetch(`${t.baseUrl}/api/api-keys/${ownerKey.id}`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(revoked.status).toBe(204);
  });

  it('audits creation and revocation, never the key', async () => {
    const created = (await t.api('POST', '/api/api-keys', { name: 'Audited', role: 'viewer' })).body;
    await t.api('DELETE', `/api/api-keys/${created.id}`);
    const audit = (await t.api('GET', '/api/audit')).body.items;
    expect(audit[0]).toMatchObject({ action: 'apikey.revoke', actor: { type: 'apikey', name: 'test' }, objectType: 'apikey', objectId: created.id, details: { name: 'Audited', role: 'viewer' } });
    expect(audit[1]).toMatchObject({ action: 'apikey.create', objectType: 'apikey', objectId: created.id, details: { name: 'Audited', role: 'viewer' } });
    const everything = JSON.stringify(audit);
    expect(everything).not.toContain(created.key);
    expect(everything).not.toContain(created.key.slice(3, 12));
  });
});
