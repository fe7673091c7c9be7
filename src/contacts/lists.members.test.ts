import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

describeEachDatabase('lists API', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('creates, renames, sizes, adds and removes members, and deletes a list', async () => {
    const created = await t.api('POST', '/api/lists', { name: 'VIP' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'VIP', size: 0 });
    const ids: number[] = [];
    for (const email of ['a@l.test', 'b@l.test', 'c@l.test']) ids.push((await t.api('POST', '/api/contacts', { email })).body.id);

    const added = await t.api('POST', `/api/lists/${created.body.id}/contacts`, { contactIds: [...ids, ids[0], 999999] });
    expect(added.body).toEqual({ added: 3, notFound: [999999] });
    const again = await t.api('POST', `/api/lists/${created.body.id}/contacts`, { contactIds: ids });
    expect(again.body.added).toBe(0);

    const removed = await t.api('DELETE', `/api/lists/${created.body.id}/contacts`, { contactIds: [ids[1]] });
    expect(removed.body).toEqual({ removed: 1 });
    const renamed = await t.api('PATCH', `/api/lists/${created.body.id}`, { name: 'Very important' });
    expect(renamed.body).toMatchObject({ name: 'Very important', size: 2 });
    const members = await t.api('GET', `/api/contacts?listId=${created.body.id}`);
    expect(members.body.items.map((c: any) => c.id)).toEqual([ids[0], ids[2]]);

    const all = await t.api('GET', '/api/lists');
    expect(all.body.map((l: any) => l.size)).toEqual([2]);
    expect((await t.api('DELETE', `/api/lists/${created.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/lists/${created.body.id}`)).status).toBe(404);
    const left = await t.ctx.store.db.selectFrom('list_members').select('contact_id').where('list_id', '=', created.body.id).execute();
    expect(left).toEqual([]);
    expect((await t.api('POST', '/api/lists', { name: '' })).status).toBe(400);
  });

  it('counts the distinct contacts of several lists and those a campaign would reach', async () => {
    const a = (await t.api('POST', '/api/lists', { name: 'A' })).body.id;
    const b = (await t.api('POST', '/api/lists', { name: 'B' })).body.id;
    const ids: number[] = [];
    ids.push((await t.api('POST', '/api/contacts', { email: 'both@count.test', phone: '+33612345001' })).body.id);
    ids.push((await t.api('POST', '/api/contacts', { email: 'gone@count.test', emailStatus: 'unsubscribed' })).body.id);
    ids.push((await t.api('POST', '/api/contacts', { phone: '+33612345002' })).body.id);
    await t.api('POST', `/api/lists/${a}/contacts`, { contactIds: ids });
    await t.api('POST', `/api/lists/${b}/contacts`, { contactIds: [ids[0]] });
    const email = await t.api('GET', `/api/audience-count?listIds=${a}&listIds=${b}`);
    expect(email.body).toEqual({ contacts: 3, reachable: 1 });
    const sms = await t.api('GET', `/api/audience-count?listIds=${a}&listIds=${b}&channel=sms`);
    expect(sms.body).toEqual({ contacts: 3, reachable: 2 });
    expect((await t.api('GET', '/api/audience-count')).status).toBe(400);
  });
});
