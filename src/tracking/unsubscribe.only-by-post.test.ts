import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';

describeEachDatabase('unsubscribe links', (kind) => {
  let t: TestApp;
  let s: Scenario;
  const contact = (index: number) =>
    t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', s.messages[index]!.contactId).executeTakeFirstOrThrow();
  const message = (index: number) => t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', s.messages[index]!.id).executeTakeFirstOrThrow();
  const eventsOf = (index: number) => t.ctx.store.db.selectFrom('events').select(['type']).where('message_id', '=', s.messages[index]!.id).execute();
  const oneClick = (token: string) =>
    fetch(`${t.baseUrl}/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

  beforeAll(async () => {
    t = await startTestApp(kind);
    s = await createScenario(t.ctx, { recipients: 4, fromName: 'Shop <script>alert(1)</script> & Co' });
  });
  afterAll(() => t.close());

  it('shows a confirmation page on GET and unsubscribes nobody', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${t.baseUrl}/u/${s.token(0, 'unsubscribe')}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const html = await response.text();
      expect(html).toContain(`<form method="post" action="/u/${s.token(0, 'unsubscribe')}">`);
      expect(html).toContain('<button type="submit">Unsubscribe</button>');
      expect(html).toContain('Shop &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
      expect(html).not.toContain('<script>');
    }
    expect(await fetch(`${t.baseUrl}/u/${s.token(0, 'unsubscribe')}`, { method: 'HEAD' }).then((r) => r.status)).toBe(200);
    expect(await contact(0)).toMatchObject({ email_status: 'subscribed' });
    expect((await message(0)).unsubscribed_at).toBeNull();
    expect(await eventsOf(0)).toEqual([]);
  });

  it('unsubscribes on the RFC 8058 one-click POST, once, and never counts it as a click', async () => {
    t.clock.now = Date.UTC(2026, 8, 2, 8, 0, 0);
    const response = await oneClick(s.token(0, 'unsubscribe'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');
    expect(await contact(0)).toMatchObject({ email_status: 'unsubscribed' });
    expect(await message(0)).toMatchObject({ unsubscribed_at: t.clock.now, clicks: 0 });
    t.clock.advance(1000);
    expect((await oneClick(s.token(0, 'unsubscribe'))).status).toBe(200);
    expect(await eventsOf(0)).toEqual([{ type: 'unsubscribe' }]);
    expect((await message(0)).unsubscribed_at).toBe(t.clock.now - 1000);
  });

  it('accepts the page form, a multipart body and an empty body alike', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(`${t.baseUrl}/u/${s.token(1, 'unsubscribe')}`, { method: 'POST', body: form })).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/u/${s.token(2, 'unsubscribe')}`, { method: 'POST' })).status).toBe(200);
    expect(await contact(1)).toMatchObject({ email_status: 'unsubscribed' });
    expect(await contact(2)).toMatchObject({ email_status: 'unsubscribed' });
  });

  it('refuses forged tokens and tokens made for opens or clicks', async () => {
    const token = s.token(3, 'unsubscribe');
    const forged = [token.slice(0, -1), token.slice(0, 6) + (token[6] === 'A' ? 'B' : 'A') + token.slice(7), s.token(3, 'click', 1), s.token(3, 'open'), 'nonsense'];
    for (const candidate of forged) {
      expect((await oneClick(candidate)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/u/${candidate}`)).status).toBe(404);
    }
    expect(await contact(3)).toMatchObject({ email_status: 'subscribed' });
    expect(await eventsOf(3)).toEqual([]);
  });

  it('keeps a stronger status and unsubscribes SMS recipients from SMS only', async () => {
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'bounced' }).where('id', '=', s.messages[3]!.contactId).execute();
    expect((await oneClick(s.token(3, 'unsubscribe'))).status).toBe(200);
    expect(await contact(3)).toMatchObject({ email_status: 'bounced' });
    expect((await message(3)).unsubscribed_at).not.toBeNull();

    const sms = await createScenario(t.ctx, { channel: 'sms', recipients: 1 });
    expect((await oneClick(sms.token(0, 'unsubscribe'))).status).toBe(200);
    const row = await t.ctx.store.db.selectFrom('contacts').select(['email_status', 'sms_status']).where('id', '=', sms.messages[0]!.contactId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email_status: 'subscribed', sms_status: 'unsubscribed' });
  });
});
