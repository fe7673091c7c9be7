import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
      .values({ workspace_id: t.ctx.workspaceId, channel: 'email', name: 'c', status: 'sent', list_ids: '[]', created_at: 0, updated_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const message = await db
      .insertInto('messages')
      .values({ campaign_id: campaign.id, contact_id: id, status: 'bounced', opens: 2, bounce_reason: '550 5.1.1 <erase.me@example.com> unknown' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('events')
      .values({ campaign_id: campaign.id, message_id: message.id, type: 'open', human: 1, user_agent: 'Mozilla/5.0 Erin', ip: '203.0.113.0', at: 1 })
      .execute();

    const outbox = join(t.ctx.config.dataDir, 'outbox');
    mkdirSync(outbox, { recursive: true });
    const mine = join(outbox, `2026-01-01T00-00-00-000Z-000001-${message.id}-a1b2c3.eml`);
    const theirs = join(outbox, `2026-01-01T00-00-00-000Z-000002-${message.id + 1000}-a1b2c3.eml`);
    writeFileSync(mine, 'To: erase.me@example.com');
    writeFileSync(theirs, 'To: someone.else@example.com');

    const erased = await t.api('DELETE', `/api/contacts/${id}`);
    expect(erased.status).toBe(204);

    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(404);
    expect((await t.api('GET', `/api/lists/${list.body.id}`)).body.size).toBe(0);
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.email, row.phone, row.first_name, row.last_name]).toEqual([null, null, null, null]);
    expect(t.ctx.store.dialect.readJson(row.fields)).toEqual({});
    const event = await db.selectFrom('events').selectAll().where('message_id', '=', message.id).executeTakeFirstOrThrow();
    expect([event.user_agent, event.ip]).toEqual([null, null]);
    const kept = await db.selectFrom('messages').select(['opens', 'bounce_reason']).where('id', '=', message.id).executeTakeFirstOrThrow();
    expect(kept).toEqual({ opens: 2, bounce_reason: null });
    expect([existsSync(mine), existsSync(theirs)]).toEqual([false, true]);
    // The address is free again: a new sign-up is a new contact.
    expect((await t.api('POST', '/api/contacts', { email: 'erase.me@example.com' })).status).toBe(201);
  });
});
