import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

describeEachDatabase('contact erasure', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('removes personal data from the contact, its lists and its events, and keeps anonymous counts', async () => {
    const list = await t.api('POST', '/api/lists', { name: 'Newsletter' });
    const contact = await t.api('POST', '/api/contacts', {
      email: 'erase.me@example.com',
      phone: '+447911123456',
      firstName: 'Erin',
      lastName: 'Ase',
      fields: { city: 'Leeds' },
      listIds: [list.body.id],
    });
    const id = contact.body.id;
    const { db } = t.ctx.store;
    const campaign = await db
      .insertInto('campaigns')
      .values({ channel: 'email', name: 'c', status: 'sent', list_ids: '[]', created_at: 0, updated_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const message = await db
      .insertInto('messages')
      .values({ campaign_id: campaign.id, contact_id: id, status: 'delivered', opens: 2 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('events')
      .values({ campaign_id: campaign.id, message_id: message.id, type: 'open', human: 1, user_agent: 'Mozilla/5.0 Erin', ip: '203.0.113.0', at: 1 })
      .execute();

    const erased = await t.api('DELETE', `/api/contacts/${id}`);
    expect(erased.status).toBe(204);

    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(404);
    expect((await t.api('GET', `/api/lists/${list.body.id}`)).body.size).toBe(0);
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.email, row.phone, row.first_name, row.last_name]).toEqual([null, null, null, null]);
    expect(t.ctx.store.dialect.readJson(row.fields)).toEqual({});
    const event = await db.selectFrom('events').selectAll().where('message_id', '=', message.id).executeTakeFirstOrThrow();
    expect([event.user_agent, event.ip]).toEqual([null, null]);
    const kept = await db.selectFrom('messages').select('opens').where('id', '=', message.id).executeTakeFirstOrThrow();
    expect(kept.opens).toBe(2);
    // The address is free again: a new sign-up is a new contact.
    expect((await t.api('POST', '/api/contacts', { email: 'erase.me@example.com' })).status).toBe(201);
  });
});
