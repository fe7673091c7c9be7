import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, pressConfirm, signUp } from '../../test/support/forms.js';

describeEachDatabase('erasing a contact that signed up through a form', (kind) => {
  const t = useTestApp(kind);

  it('removes its consents, its sign-ups and its confirmation emails, and no one else’s', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'News' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Join', listIds: [listId], consentText: 'Yes, email me.' })).body;
    await signUp(t, form.slug, { email: 'erase-me@example.org' }, { 'user-agent': 'Firefox/128' });
    await signUp(t, form.slug, { email: 'ma-erase-me@example.org' });
    const mails = await outboxMails(t);
    expect(mails.map((m) => m.to).sort()).toEqual(['erase-me@example.org', 'ma-erase-me@example.org']);
    const token = mails.find((m) => m.to === 'erase-me@example.org')!.confirmToken!;
    await pressConfirm(t, token, { 'user-agent': 'Firefox/128' });
    const id = (await t.api('GET', '/api/contacts?search=erase-me@example.org')).body.items[0].id;
    expect((await t.api('GET', `/api/contacts/${id}`)).body.consents).toHaveLength(1);

    expect((await t.api('DELETE', `/api/contacts/${id}`)).status).toBe(204);

    const { db } = t.ctx.store;
    expect(await db.selectFrom('consents').select('id').where('contact_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('form_signups').select('id').where('contact_id', '=', id).execute()).toEqual([]);
    expect((await outboxMails(t)).map((m) => m.to)).toEqual(['ma-erase-me@example.org']);
    // Its link now leads nowhere.
    expect((await fetch(`${t.baseUrl}/c/${token}`)).status).toBe(404);
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats).toMatchObject({ signups: 1, confirmations: 0 });
  });
});
