import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, pressConfirm, signUp } from '../../test/support/forms.js';
import { startScheduler } from '../scheduler/scheduler.js';
import { expireSignups } from './expiry.js';

const DAY = 24 * 60 * 60 * 1000;

describeEachDatabase('sign-up expiry', (kind) => {
  const t = useTestApp(kind, { SIGNUP_EXPIRY_DAYS: '30' });

  it('removes pending contacts whose sign-ups all expired unconfirmed, with their memberships and sign-ups, and nothing else', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'News' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Expiring', listIds: [listId], fields: [{ name: 'phone' }], consentText: 'Yes' })).body;
    const other = (await t.api('POST', '/api/forms', { name: 'Other', listIds: [listId], consentText: 'Yes' })).body;
    // Known before: an unsubscribed contact signs up and never confirms.
    const unsubscribed = (await t.api('POST', '/api/contacts', { email: 'was-unsubscribed@example.org', emailStatus: 'unsubscribed' })).body;
    await signUp(t, form.slug, { email: 'never@example.org', phone: '+447911123456' });
    await signUp(t, form.slug, { email: 'confirmed@example.org' });
    await signUp(t, form.slug, { email: 'was-unsubscribed@example.org' });
    await signUp(t, form.slug, { email: 'came-back@example.org' });
    const id = async (email: string) => (await t.api('GET', `/api/contacts?search=${encodeURIComponent(email)}`)).body.items[0]?.id as number | undefined;
    const never = (await id('never@example.org'))!;
    // An editor put the pending one in a list by hand meanwhile.
    await t.api('POST', `/api/lists/${listId}/contacts`, { contactIds: [never] });
    const token = (await outboxMails(t)).find((m) => m.to === 'confirmed@example.org')!.confirmToken!;
    await pressConfirm(t, token);

    // 29 days later one comes back through another form: a new sign-up keeps it.
    t.clock.advance(29 * DAY);
    await signUp(t, other.slug, { email: 'came-back@example.org' });
    expect(await expireSignups(t.ctx, t.clock.now)).toBe(0);

    t.clock.advance(1 * DAY + 60_000);
    expect(await expireSignups(t.ctx, t.clock.now)).toBe(1);
    expect(await id('never@example.org')).toBeUndefined();
    const { db } = t.ctx.store;
    expect(await db.selectFrom('contacts').select('id').where('id', '=', never).execute()).toEqual([]);
    expect(await db.selectFrom('list_members').select('list_id').where('contact_id', '=', never).execute()).toEqual([]);
    expect(await db.selectFrom('form_signups').select('id').where('contact_id', '=', never).execute()).toEqual([]);
    // The phone is free again.
    expect((await t.api('POST', '/api/contacts', { phone: '+447911123456' })).status).toBe(201);

    expect((await t.api('GET', `/api/contacts/${await id('confirmed@example.org')}`)).body.emailStatus).toBe('subscribed');
    expect((await t.api('GET', `/api/contacts/${unsubscribed.id}`)).body.emailStatus).toBe('unsubscribed');
    expect((await t.api('GET', `/api/contacts/${await id('came-back@example.org')}`)).body.emailStatus).toBe('pending');
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats).toMatchObject({ signups: 3, confirmations: 1 });

    // Its own time runs out too, and a second sweep finds nothing more.
    t.clock.advance(30 * DAY);
    expect(await expireSignups(t.ctx, t.clock.now)).toBe(1);
    expect(await id('came-back@example.org')).toBeUndefined();
    expect(await expireSignups(t.ctx, t.clock.now)).toBe(0);
  });

  it('is swept by the worker loop', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Swept' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Swept', listIds: [listId], consentText: 'Yes' })).body;
    await signUp(t, form.slug, { email: 'swept@example.org' });
    const pending = async () => (await t.api('GET', '/api/contacts?search=swept@example.org')).body.total;
    expect(await pending()).toBe(1);
    t.clock.advance(31 * DAY);
    const worker = startScheduler(t.ctx, { idleMs: 20 });
    try {
      for (let i = 0; i < 100 && (await pending()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await worker.stop();
    }
    expect(await pending()).toBe(0);
  });

  it('leaves an anonymous row for a pending contact a campaign counted as skipped, so that its numbers stay', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Counted' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Counted', listIds: [listId], consentText: 'Yes' })).body;
    await signUp(t, form.slug, { email: 'counted@example.org', firstName: 'Counted' });
    const id = (await t.api('GET', '/api/contacts?search=counted@example.org')).body.items[0].id;
    const { db } = t.ctx.store;
    const now = t.clock.now;
    const campaign = await db
      .insertInto('campaigns')
      .values({ workspace_id: t.ctx.workspaceId, channel: 'email', name: 'Sale', list_ids: t.ctx.store.dialect.writeJson([listId]), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('messages').values({ campaign_id: campaign.id, contact_id: id, status: 'skipped', skip_reason: 'pending' }).execute();

    t.clock.advance(31 * DAY);
    expect(await expireSignups(t.ctx, t.clock.now)).toBe(1);
    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(404);
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: null, first_name: null, email_status: 'unsubscribed', erased_at: t.clock.now });
    expect(await db.selectFrom('messages').select('skip_reason').where('contact_id', '=', id).execute()).toEqual([{ skip_reason: 'pending' }]);
  });
});
