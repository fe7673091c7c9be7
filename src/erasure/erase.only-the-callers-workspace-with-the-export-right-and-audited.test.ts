import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

const EMAIL = 'shared.person@erase.test';

describeEachDatabase('erasure per workspace', (kind) => {
  const t = useTestApp(kind);
  let b: Awaited<ReturnType<typeof addWorkspace>>;
  beforeAll(async () => {
    b = await addWorkspace(t);
  });

  const unmatched = (workspaceId: number) =>
    t.ctx.store.db.selectFrom('unmatched_reports').select('id').where('workspace_id', '=', workspaceId).where('recipient', '=', EMAIL).execute();

  it('erases the contact of the caller’s workspace only: the same address in another stays, with its reports', async () => {
    const mine = (await t.api('POST', '/api/contacts', { email: EMAIL, firstName: 'Mine' })).body.id;
    const theirs = (await b.api('POST', '/api/contacts', { email: EMAIL, firstName: 'Theirs' })).body.id;
    for (const workspaceId of [t.ctx.workspaceId, b.workspaceId]) {
      await t.ctx.store.db
        .insertInto('unmatched_reports')
        .values({ workspace_id: workspaceId, kind: 'dsn', type: 'hard', recipient: EMAIL, campaign_id: null, reason: `550 <${EMAIL}> unknown`, original_ids: null, received_at: 1 })
        .execute();
    }

    // A's key cannot reach B's contact: 404 as a missing one, and nothing of it changes.
    const other = await t.api('DELETE', `/api/contacts/${theirs}`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual((await t.api('DELETE', '/api/contacts/999999')).body);
    expect((await b.api('GET', `/api/contacts/${theirs}`)).body).toMatchObject({ email: EMAIL, firstName: 'Theirs' });

    expect((await t.api('DELETE', `/api/contacts/${mine}`)).status).toBe(204);
    expect((await t.api('GET', `/api/contacts/${mine}`)).status).toBe(404);
    expect((await b.api('GET', `/api/contacts/${theirs}`)).body).toMatchObject({ email: EMAIL, firstName: 'Theirs' });
    expect(await unmatched(t.ctx.workspaceId)).toEqual([]);
    expect(await unmatched(b.workspaceId)).toHaveLength(1);
    // B may still erase its own.
    expect((await b.api('DELETE', `/api/contacts/${theirs}`)).status).toBe(204);
    expect(await unmatched(b.workspaceId)).toEqual([]);
  });

  it('needs the export right: editors and viewers get 403 and the contact stays', async () => {
    const id = (await t.api('POST', '/api/contacts', { email: 'roles@erase.test' })).body.id;
    for (const role of ['viewer', 'editor'] as const) {
      const refused = await (await apiAs(t, role))('DELETE', `/api/contacts/${id}`);
      expect([role, refused.status, refused.body.error.code]).toEqual([role, 403, 'forbidden']);
    }
    expect((await t.api('GET', `/api/contacts/${id}`)).body.email).toBe('roles@erase.test');
    expect((await (await apiAs(t, 'admin'))('DELETE', `/api/contacts/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(404);
  });

  it('records contact.erase in the workspace’s audit log with who and which contact, and nothing personal', async () => {
    const id = (await b.api('POST', '/api/contacts', { email: 'audited.person@erase.test', firstName: 'Audrey' })).body.id;
    expect((await b.api('DELETE', `/api/contacts/${id}`)).status).toBe(204);
    const log = await b.api('GET', '/api/audit');
    const entry = log.body.items.find((item: any) => item.action === 'contact.erase' && item.objectId === id);
    expect(entry).toMatchObject({ actor: { type: 'apikey', name: 'Brand B admin' }, objectType: 'contact', objectId: id, details: {} });
    expect(JSON.stringify(log.body)).not.toMatch(/audited\.person|audrey/i);
    // A's log holds its own erasures, never B's.
    const logA = await t.api('GET', '/api/audit');
    expect(logA.body.items.some((item: any) => item.action === 'contact.erase' && item.objectId === id)).toBe(false);
  });
});
