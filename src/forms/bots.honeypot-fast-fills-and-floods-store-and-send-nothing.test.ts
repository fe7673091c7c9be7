import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, postForm, signUp, visitForm } from '../../test/support/forms.js';

describeEachDatabase('bot defences', (kind) => {
  const t = useTestApp(kind);
  let form: { id: number; slug: string; embedHtml: string };
  const total = async () => (await t.api('GET', '/api/contacts')).body.total as number;
  const signups = async () => (await t.api('GET', `/api/forms/${form.id}`)).body.stats.signups as number;

  it('answers a filled honeypot, a 1-second fill and a missing or forged render time with the thank-you page, storing and sending nothing', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'News' })).body.id;
    form = (await t.api('POST', '/api/forms', { name: 'Bots welcome', listIds: [listId], consentText: 'Yes' })).body;
    const genuine = await signUp(t, form.slug, { email: 'person@example.org' });
    expect(genuine.status).toBe(200);
    expect(await total()).toBe(1);
    expect(await outboxMails(t)).toHaveLength(1);

    const { renderedAt } = await visitForm(t, form.slug);
    const [at, mac] = renderedAt.split('.');
    t.clock.advance(1_000);
    const bots: Array<[string, Record<string, string>]> = [
      ['one-second fill', { _t: renderedAt }],
      ['missing render time', {}],
      ['forged render time', { _t: `${Number(at) - 60_000}.${mac}` }],
      ['render time with a wrong signature', { _t: `${at}.${'x'.repeat(43)}` }],
    ];
    for (const [what, values] of bots) {
      const answer = await postForm(t, form.slug, { email: `${what.replace(/\W/g, '')}@example.org`, consent: 'yes', website: '', ...values });
      expect(answer.status, what).toBe(200);
      expect(answer.html, what).toBe(genuine.html);
    }
    // A filled honeypot, even after a patient fill.
    const patient = await signUp(t, form.slug, { email: 'honeypot@example.org', website: 'https://spam.example' });
    expect(patient.html).toBe(genuine.html);

    expect(await total()).toBe(1);
    expect(await signups()).toBe(1);
    expect(await outboxMails(t)).toHaveLength(1);
  });

  it('takes 10 posts per network and form within 10 minutes; later ones get the thank-you and store nothing', async () => {
    const before = await total();
    const { renderedAt } = await visitForm(t, form.slug);
    t.clock.advance(5_000);
    // The genuine sign-up of the first test counted too.
    for (let i = 1; i <= 12; i++) {
      const answer = await postForm(t, form.slug, { email: `flood${i}@example.org`, consent: 'yes', website: '', _t: renderedAt });
      expect(answer.status).toBe(200);
    }
    expect(await total()).toBe(before + 9);
    expect(await signups()).toBe(10);

    t.clock.advance(10 * 60 * 1000 + 1);
    await signUp(t, form.slug, { email: 'after-the-window@example.org' });
    expect(await total()).toBe(before + 10);
  });

  it('mails one address at most once in 10 minutes', async () => {
    const to = async () => (await outboxMails(t)).filter((m) => m.to === 'victim@example.org').length;
    await signUp(t, form.slug, { email: 'victim@example.org' });
    await signUp(t, form.slug, { email: 'Victim@Example.org' });
    expect(await to()).toBe(1);
    t.clock.advance(10 * 60 * 1000 + 1);
    await signUp(t, form.slug, { email: 'victim@example.org' });
    expect(await to()).toBe(2);
  });

  it("takes a JSON post from another site's script, with the CORS header, after the preflight", async () => {
    const preflight = await fetch(`${t.baseUrl}/f/${form.slug}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');

    // The embed snippet's hidden field stands for the render time a page on another site cannot have.
    const embedToken = /name="_t" value="([^"]+)"/.exec(form.embedHtml)![1]!;
    t.clock.advance(10 * 60 * 1000 + 1);
    const post = (body: object) =>
      fetch(`${t.baseUrl}/f/${form.slug}`, { method: 'POST', headers: { origin: 'https://shop.example', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const posted = await post({ email: 'script@example.org', consent: true, website: '', _t: embedToken });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('access-control-allow-origin')).toBe('*');
    expect(await posted.json()).toEqual({ ok: true, message: expect.stringContaining('check your inbox') });
    expect((await t.api('GET', '/api/contacts?search=script@example.org')).body.items[0].emailStatus).toBe('pending');

    const wrong = await post({ email: 'not-an-address', consent: true, _t: embedToken });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('access-control-allow-origin')).toBe('*');
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'invalid_form', path: '$.email' } });

    const bot = await post({ email: 'jsonbot@example.org', consent: true });
    expect(await bot.json()).toEqual({ ok: true, message: expect.stringContaining('check your inbox') });
    expect((await t.api('GET', '/api/contacts?search=jsonbot@example.org')).body.total).toBe(0);
  });
});
