import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { importFinished, uploadCsv } from '../../test/support/imports.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { createApiKey } from '../auth/apiKeys.js';
import type { Role } from '../db/schema.js';

describeEachDatabase('contacts and lists by role', (kind) => {
  const t = useTestApp(kind);
  let viewerKey: string;
  let viewer: ApiCall;
  let editorKey: string;
  let editor: ApiCall;
  /** A key of this role in the first workspace (the CSV upload takes a key, the JSON calls a caller). */
  const keyAs = async (role: Role, name = `as ${role}`) => (await createApiKey(t.ctx.store, name, { workspaceId: t.ctx.workspaceId, role })).key;
  let listId: number;
  let contactId: number;
  beforeAll(async () => {
    viewerKey = await keyAs('viewer');
    viewer = t.apiWith(viewerKey);
    editorKey = await keyAs('editor');
    editor = t.apiWith(editorKey);
    listId = (await t.api('POST', '/api/lists', { name: 'Everyone' })).body.id;
    contactId = (await t.api('POST', '/api/contacts', { email: 'role@contacts.test', fields: { plan: 'pro' }, listIds: [listId] })).body.id;
  });

  it('lets a viewer read contacts, lists, fields, imports and audience counts, and change none of them', async () => {
    const job = await importFinished(t, (await uploadCsv(t, 'email\nread@contacts.test\n', { listId: String(listId) })).body.id);
    const reads = [
      '/api/contacts',
      `/api/contacts/${contactId}`,
      '/api/lists',
      `/api/lists/${listId}`,
      `/api/audience-count?listIds=${listId}`,
      '/api/fields',
      `/api/imports/${job.id}`,
    ];
    for (const path of reads) expect([path, (await viewer('GET', path)).status]).toEqual([path, 200]);

    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/contacts', { email: 'viewer@contacts.test' }],
      ['PATCH', `/api/contacts/${contactId}`, { firstName: 'Viewer' }],
      ['POST', '/api/lists', { name: 'Viewer list' }],
      ['PATCH', `/api/lists/${listId}`, { name: 'Viewer list' }],
      ['POST', `/api/lists/${listId}/contacts`, { contactIds: [contactId] }],
      ['DELETE', `/api/lists/${listId}/contacts`, { contactIds: [contactId] }],
      ['DELETE', `/api/lists/${listId}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const res = await viewer(method, path, body);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'forbidden']);
    }
    const upload = await uploadCsv({ ...t, apiKey: viewerKey }, 'email\nviewer@contacts.test\n', { listId: String(listId) });
    expect([upload.status, upload.body.error.code]).toEqual([403, 'forbidden']);

    // Nothing changed.
    expect((await t.api('GET', `/api/contacts/${contactId}`)).body.firstName).toBe(null);
    expect((await t.api('GET', `/api/lists/${listId}`)).body).toMatchObject({ name: 'Everyone', size: 2 });
    expect((await t.api('GET', '/api/contacts?search=viewer@')).body.total).toBe(0);
  });

  it('lets an editor create and change contacts and lists and import into them', async () => {
    const created = await editor('POST', '/api/contacts', { email: 'editor@contacts.test' });
    expect(created.status).toBe(201);
    expect((await editor('PATCH', `/api/contacts/${created.body.id}`, { firstName: 'Eddie' })).body.firstName).toBe('Eddie');
    const list = await editor('POST', '/api/lists', { name: 'Editor list' });
    expect(list.status).toBe(201);
    expect((await editor('POST', `/api/lists/${list.body.id}/contacts`, { contactIds: [created.body.id] })).body).toEqual({ added: 1, notFound: [] });
    expect((await editor('PATCH', `/api/lists/${list.body.id}`, { name: 'Renamed' })).body).toMatchObject({ name: 'Renamed', size: 1 });
    expect((await editor('DELETE', `/api/lists/${list.body.id}/contacts`, { contactIds: [created.body.id] })).body).toEqual({ removed: 1 });
    expect((await editor('DELETE', `/api/lists/${list.body.id}`)).status).toBe(204);
    const queued = await uploadCsv({ ...t, apiKey: editorKey }, 'email\nimported.by.editor@contacts.test\n', { listId: String(listId) });
    expect(queued.status).toBe(202);
    expect(await importFinished(t, queued.body.id)).toMatchObject({ status: 'done', imported: 1 });
  });

  it('records import.start with the list and the file name, for the key that started it, in its own workspace only', async () => {
    const key = await keyAs('editor', 'Importer');
    const queued = await uploadCsv({ ...t, apiKey: key }, 'email\naudit@contacts.test\n', { listId: String(listId) });
    expect(queued.status).toBe(202);
    await importFinished(t, queued.body.id);
    const log = await t.api('GET', '/api/audit');
    const entry = log.body.items.find((item: any) => item.action === 'import.start' && item.objectId === queued.body.id);
    expect(entry).toMatchObject({ actor: { type: 'apikey', name: 'Importer' }, objectType: 'import', details: { listId, filename: 'contacts.csv' } });
    // A refused import (unknown list) starts nothing and records nothing.
    const before = log.body.items.filter((item: any) => item.action === 'import.start').length;
    expect((await uploadCsv(t, 'email\nx@contacts.test\n', { listId: '999999' })).status).toBe(400);
    expect((await t.api('GET', '/api/audit')).body.items.filter((item: any) => item.action === 'import.start')).toHaveLength(before);
    const b = await addWorkspace(t);
    expect((await b.api('GET', '/api/audit')).body.items.filter((item: any) => item.action === 'import.start')).toEqual([]);
  });
});
