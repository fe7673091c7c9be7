import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, pressConfirm, signUp, visitForm } from '../../test/support/forms.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describeEachDatabase('double opt-in', (kind) => {
  const t = useTestApp(kind, { DEFAULT_COUNTRY: 'FR' });

  it('makes a new address pending with a confirmation email; GET of the link changes nothing; the Confirm POST subscribes, adds to the lists and records the consent', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body.id;
    const otherList = (await t.api('POST', '/api/lists', { name: 'Untouched' })).body.id;
    const form = (
      await t.api('POST', '/api/forms', {
        name: 'Join the club',
        listIds: [listId],
        fields: [{ name: 'firstName', required: true }, { name: 'phone' }],
        consentText: 'I agree to receive the club newsletter.',
        messages: { confirmationSubject: 'Confirm, {{ contact.firstName }}' },
      })
    ).body;

    const page = await visitForm(t, form.slug);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<label for="f-email">');
    const thanks = await signUp(t, form.slug, { email: 'Ada@Example.org', firstName: 'Ada', phone: '06 12 34 56 78' }, { 'user-agent': BROWSER });
    expect(thanks.status).toBe(200);
    expect(thanks.html).toContain('check your inbox');

    const found = await t.api('GET', '/api/contacts?search=ada@example.org');
    expect(found.body.items).toHaveLength(1);
    const contact = found.body.items[0];
    expect(contact).toMatchObject({ email: 'ada@example.org', firstName: 'Ada', phone: '+33612345678', emailStatus: 'pending', smsStatus: 'pending' });
    expect((await t.api('GET', `/api/lists/${listId}`)).body).toMatchObject({ size: 0, pending: 1 });

    const mails = await outboxMails(t);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toBe('ada@example.org');
    expect(mail.subject).toBe('Confirm, Ada');
    expect(mail.html).toContain(`${t.ctx.config.publicUrl}/c/`);
    expect(mail.text).toContain(`${t.ctx.config.publicUrl}/c/`);
    // Untracked: no pixel, no tracked links.
    expect(mail.html).not.toMatch(/\/t\/[oc]\//);
    const token = mail.confirmToken!;

    // A link scanner: GET (and HEAD) show the page and change nothing.
    const scanned = await fetch(`${t.baseUrl}/c/${token}`);
    expect(scanned.status).toBe(200);
    const confirmHtml = await scanned.text();
    expect(confirmHtml).toContain('<button type="submit">Confirm</button>');
    expect(confirmHtml).toContain('I agree to receive the club newsletter.');
    expect((await fetch(`${t.baseUrl}/c/${token}`, { method: 'HEAD' })).status).toBe(200);
    const afterScan = (await t.api('GET', `/api/contacts/${contact.id}`)).body;
    expect(afterScan).toMatchObject({ emailStatus: 'pending', smsStatus: 'pending', consents: [] });
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats).toEqual({ views: 2, signups: 1, confirmations: 0, confirmationRate: 0 });

    const confirmed = await pressConfirm(t, token, { 'user-agent': BROWSER });
    expect(confirmed.status).toBe(200);
    expect(confirmed.html).toContain('your subscription is confirmed');

    const after = (await t.api('GET', `/api/contacts/${contact.id}`)).body;
    expect(after).toMatchObject({ emailStatus: 'subscribed', smsStatus: 'subscribed' });
    expect(after.consents).toEqual([
      { at: expect.any(String), source: `form:${form.id}`, formId: form.id, text: 'I agree to receive the club newsletter.', ip: '127.0.0.0', userAgent: BROWSER },
    ]);
    expect((await t.api('GET', `/api/lists/${listId}`)).body).toMatchObject({ size: 1, pending: 0 });
    expect((await t.api('GET', `/api/lists/${otherList}`)).body).toMatchObject({ size: 0 });
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats).toEqual({ views: 2, signups: 1, confirmations: 1, confirmationRate: 1 });

    // Pressing again changes nothing more.
    const again = await pressConfirm(t, token, { 'user-agent': BROWSER });
    expect(again.status).toBe(200);
    expect(again.html).toContain('your subscription is confirmed');
    expect((await t.api('GET', `/api/contacts/${contact.id}`)).body.consents).toHaveLength(1);
  });

  it('answers a forged link 404 and an expired one 410, without a database change', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Expiring' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Expiring', listIds: [listId], consentText: 'Yes please.' })).body;
    await signUp(t, form.slug, { email: 'late@example.org' });
    const token = (await outboxMails(t)).find((m) => m.to === 'late@example.org')!.confirmToken!;

    const [id, expiresAt, mac] = token.split('.');
    for (const forged of [`${id}.${Number(expiresAt) + 1}.${mac}`, `${Number(id) + 1}.${expiresAt}.${mac}`, `${id}.${expiresAt}.${'A'.repeat(43)}`, 'nonsense']) {
      const response = await fetch(`${t.baseUrl}/c/${forged}`, { method: 'POST' });
      expect(response.status, forged).toBe(404);
      expect(await response.text()).toContain('Link not found');
    }

    t.clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
    const expired = await pressConfirm(t, token);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain(`href="/f/${form.slug}"`);
    const contact = (await t.api('GET', '/api/contacts?search=late@example.org')).body.items[0];
    expect(contact.emailStatus).toBe('pending');
  });

  it('records the consent text the page showed: a text changed in between shows the page again', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Wording' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Wording', listIds: [listId], consentText: 'First wording.' })).body;
    await signUp(t, form.slug, { email: 'words@example.org' });
    const token = (await outboxMails(t)).find((m) => m.to === 'words@example.org')!.confirmToken!;
    const page = await (await fetch(`${t.baseUrl}/c/${token}`)).text();
    const shown = /name="shown" value="([^"]+)"/.exec(page)![1]!;
    await t.api('PATCH', `/api/forms/${form.id}`, { consentText: 'Second wording.' });

    const stale = await fetch(`${t.baseUrl}/c/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `shown=${shown}` });
    expect(await stale.text()).toContain('Second wording.');
    const contact = (await t.api('GET', '/api/contacts?search=words@example.org')).body.items[0];
    expect(contact.emailStatus).toBe('pending');

    await pressConfirm(t, token);
    expect((await t.api('GET', `/api/contacts/${contact.id}`)).body.consents.map((c: { text: string }) => c.text)).toEqual(['Second wording.']);
  });
});
