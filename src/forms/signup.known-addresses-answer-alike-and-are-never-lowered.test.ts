import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, pressConfirm, signUp } from '../../test/support/forms.js';

describeEachDatabase('sign-ups of known addresses', (kind) => {
  const t = useTestApp(kind);
  let listId: number;
  let doubleForm: { id: number; slug: string };
  let singleForm: { id: number; slug: string };
  const contact = async (email: string) => (await t.api('GET', `/api/contacts?search=${encodeURIComponent(email)}`)).body.items[0];
  const mailsTo = async (email: string) => (await outboxMails(t)).filter((m) => m.to === email);
  const memberOf = async (id: number) => (await t.api('GET', `/api/contacts?listId=${listId}`)).body.items.some((c: { id: number }) => c.id === id);

  it('answers a known address byte for byte as a new one, whatever its status', async () => {
    listId = (await t.api('POST', '/api/lists', { name: 'News' })).body.id;
    doubleForm = (await t.api('POST', '/api/forms', { name: 'Double', listIds: [listId], fields: [{ name: 'firstName' }], consentText: 'Yes' })).body;
    singleForm = (await t.api('POST', '/api/forms', { name: 'Single', listIds: [listId], fields: [{ name: 'firstName' }], consentText: 'Yes', doubleOptIn: false })).body;
    for (const [email, emailStatus] of [
      ['subscribed@example.org', 'subscribed'],
      ['unsubscribed@example.org', 'unsubscribed'],
      ['bounced@example.org', 'bounced'],
      ['complained@example.org', 'complained'],
    ]) {
      expect((await t.api('POST', '/api/contacts', { email, emailStatus, firstName: 'Known' })).status).toBe(201);
    }
    for (const form of [doubleForm, singleForm]) {
      const answers = [];
      for (const email of ['new-' + form.slug + '@example.org', 'subscribed@example.org', 'unsubscribed@example.org', 'bounced@example.org', 'complained@example.org']) {
        const answer = await signUp(t, form.slug, { email, firstName: 'Someone' });
        answers.push({ status: answer.status, type: answer.headers.get('content-type'), length: answer.headers.get('content-length'), html: answer.html });
      }
      expect(answers[0]!.status).toBe(200);
      for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    }
  });

  it('keeps a subscribed contact subscribed and mails it to join the lists; fills only its empty fields', async () => {
    const known = await contact('subscribed@example.org');
    expect(known).toMatchObject({ emailStatus: 'subscribed', firstName: 'Known' });
    // The double opt-in form mailed it; the single opt-in form put it in the list at once.
    const mails = await mailsTo('subscribed@example.org');
    expect(mails).toHaveLength(1);
    expect(await memberOf(known.id)).toBe(true);
    const consents = (await t.api('GET', `/api/contacts/${known.id}`)).body.consents;
    expect(consents.map((c: { source: string }) => c.source)).toEqual([`form:${singleForm.id}`]);

    const blank = (await t.api('POST', '/api/contacts', { email: 'blank@example.org', lastName: 'Kept' })).body;
    t.clock.advance(11 * 60 * 1000);
    await signUp(t, doubleForm.slug, { email: 'blank@example.org', firstName: 'Filled' });
    expect(await contact('blank@example.org')).toMatchObject({ id: blank.id, firstName: 'Filled', lastName: 'Kept', emailStatus: 'subscribed' });
    await signUp(t, doubleForm.slug, { email: 'subscribed@example.org', firstName: '' });
    expect((await contact('subscribed@example.org')).firstName).toBe('Known');
  });

  it('never resubscribes an unsubscribed contact without its confirmation, even through a single opt-in form', async () => {
    const known = await contact('unsubscribed@example.org');
    expect(known.emailStatus).toBe('unsubscribed');
    expect(await memberOf(known.id)).toBe(false);
    // One email, not two: the second post came within ten minutes of the first.
    const mails = await mailsTo('unsubscribed@example.org');
    expect(mails).toHaveLength(1);
    expect((await t.api('GET', `/api/contacts/${known.id}`)).body.consents).toEqual([]);

    await pressConfirm(t, mails[0]!.confirmToken!);
    expect(await contact('unsubscribed@example.org')).toMatchObject({ emailStatus: 'subscribed' });
    expect(await memberOf(known.id)).toBe(true);
  });

  it('sends nothing to a bounced or complained address and stores nothing for it', async () => {
    for (const email of ['bounced@example.org', 'complained@example.org']) {
      const known = await contact(email);
      expect(known.emailStatus).toBe(email.startsWith('bounced') ? 'bounced' : 'complained');
      expect(known.firstName).toBe('Known');
      expect(await mailsTo(email)).toEqual([]);
      expect(await memberOf(known.id)).toBe(false);
    }
  });

  it('subscribes a new address at once through a single opt-in form, with its consent and without an email', async () => {
    const email = `new-${singleForm.slug}@example.org`;
    const created = await contact(email);
    expect(created).toMatchObject({ emailStatus: 'subscribed', firstName: 'Someone' });
    expect(await memberOf(created.id)).toBe(true);
    expect(await mailsTo(email)).toEqual([]);
    const consents = (await t.api('GET', `/api/contacts/${created.id}`)).body.consents;
    expect(consents).toEqual([{ at: expect.any(String), source: `form:${singleForm.id}`, formId: singleForm.id, text: 'Yes', ip: '127.0.0.0', userAgent: expect.any(String) }]);
    const stats = (await t.api('GET', `/api/forms/${singleForm.id}`)).body.stats;
    // The new address and the subscribed one joined; the unsubscribed one had been mailed by the other form minutes before, so nothing more.
    expect(stats).toMatchObject({ signups: 2, confirmations: 2, confirmationRate: 1 });
  });
});
