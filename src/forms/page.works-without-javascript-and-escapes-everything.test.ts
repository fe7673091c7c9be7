import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, postForm, signUp, visitForm } from '../../test/support/forms.js';

describeEachDatabase('hosted form page', (kind) => {
  const t = useTestApp(kind);

  it('is a complete form without any script: labelled fields with autocomplete, required ones marked, the consent beside a required checkbox, a hidden honeypot', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'News' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'seed@example.org', fields: { birthday: '1990-05-01', vip: true } });
    const form = (
      await t.api('POST', '/api/forms', {
        name: 'Weekly news',
        listIds: [listId],
        fields: [{ name: 'firstName', required: true }, { name: 'lastName' }, { name: 'phone' }, { name: 'birthday' }, { name: 'vip', label: 'I am a VIP' }],
        consentText: 'I agree to get the weekly news.',
      })
    ).body;
    const response = await fetch(`${t.baseUrl}/f/${form.slug}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`<form method="post" action="/f/${form.slug}">`);
    expect(html).toContain('<label for="f-email">Email <span class="req" aria-hidden="true">*</span></label>');
    expect(html).toContain('<input id="f-email" name="email" type="email" required autocomplete="email">');
    expect(html).toContain('<input id="f-1" name="firstName" type="text" required autocomplete="given-name">');
    expect(html).toContain('<input id="f-2" name="lastName" type="text" autocomplete="family-name">');
    expect(html).toContain('<input id="f-3" name="phone" type="tel" autocomplete="tel">');
    expect(html).toContain('<input id="f-4" name="fields.birthday" type="date">');
    expect(html).toContain('<input id="f-5" name="fields.vip" type="checkbox" value="yes"><label for="f-5">I am a VIP</label>');
    expect(html).toContain(
      '<input id="f-consent" name="consent" type="checkbox" value="yes" required><label for="f-consent">I agree to get the weekly news.</label>',
    );
    expect(html).toContain('<div class="hp" aria-hidden="true"><label for="f-website">Leave this field empty</label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>');
    expect(html).toMatch(/<input type="hidden" name="_t" value="\d+\.[\w-]{43}">/);
    expect(html).toContain('<button type="submit">Subscribe</button>');

    // Each GET is a view; a HEAD and the app's preview are not.
    await fetch(`${t.baseUrl}/f/${form.slug}`, { method: 'HEAD' });
    await t.api('GET', `/api/forms/${form.id}/preview`);
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats.views).toBe(1);
  });

  it('shows a form named <script> and its texts escaped', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Hostile' })).body.id;
    const form = (
      await t.api('POST', '/api/forms', {
        name: '<script>alert(1)</script>',
        listIds: [listId],
        fields: [{ name: 'firstName', label: '"><img src=x onerror=alert(2)>' }],
        consentText: '<b onmouseover="alert(3)">I agree</b>',
        messages: { thankYou: '<iframe src="https://evil.example"></iframe>' },
      })
    ).body;
    expect(form.slug).toBe('script-alert-1-script');
    const { html } = await visitForm(t, form.slug);
    expect(html).not.toMatch(/<script|<img|<b |<iframe/i);
    expect(html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;b onmouseover=&quot;alert(3)&quot;&gt;I agree&lt;/b&gt;');
    expect(form.embedHtml).not.toMatch(/<script|<img|<b /i);

    const thanks = await signUp(t, form.slug, { email: 'brave@example.org', firstName: '</title><script>alert(4)</script>' });
    expect(thanks.html).not.toMatch(/<script|<iframe/i);
    expect(thanks.html).toContain('&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;');
    // The default confirmation email escapes the name the visitor typed.
    const mail = (await outboxMails(t)).find((m) => m.to === 'brave@example.org')!;
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
  });

  it('sends a wrong email or a missing required field back with 400, the error beside the field and what was typed kept', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Typos' })).body.id;
    const form = (await t.api('POST', '/api/forms', { name: 'Typos', listIds: [listId], fields: [{ name: 'firstName', required: true }], consentText: 'OK' })).body;
    const before = (await t.api('GET', '/api/contacts')).body.total;
    const { renderedAt } = await visitForm(t, form.slug);
    t.clock.advance(5_000);
    const sentBack = await postForm(t, form.slug, { email: 'ada@example', firstName: '', consent: 'yes', website: '', _t: renderedAt });
    expect(sentBack.status).toBe(400);
    expect(sentBack.html).toContain('<div class="summary" role="alert"');
    expect(sentBack.html).toContain('<input id="f-email" name="email" type="email" required autocomplete="email" aria-invalid="true" aria-describedby="f-email-error" value="ada@example">');
    expect(sentBack.html).toContain('<p class="error" id="f-email-error">Enter a valid email address, like name@example.com</p>');
    expect(sentBack.html).toContain('<p class="error" id="f-1-error">Enter first name</p>');
    expect(sentBack.html).toContain('name="consent" type="checkbox" value="yes" required checked>');
    // The render time it came with is kept: the time spent filling still counts.
    expect(sentBack.html).toContain(`name="_t" value="${renderedAt}"`);

    const noConsent = await postForm(t, form.slug, { email: 'ada@example.org', firstName: 'Ada', website: '', _t: renderedAt });
    expect(noConsent.status).toBe(400);
    expect(noConsent.html).toContain('Please tick the box to agree');
    expect((await t.api('GET', '/api/contacts')).body.total).toBe(before);
  });

  it('answers an unknown slug with a 404 page', async () => {
    for (const slug of ['no-such-form', 'UPPER', 'x']) {
      const response = await fetch(`${t.baseUrl}/f/${slug}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('Form not found');
      expect((await postForm(t, slug, { email: 'a@example.org' })).status).toBe(404);
    }
  });
});
