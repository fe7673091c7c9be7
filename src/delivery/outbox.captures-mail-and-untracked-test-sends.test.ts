import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSender } from './worker.js';

describeEachDatabase('the local outbox and test sends', (kind) => {
  let t: TestApp;
  let campaignId: number;
  let list: number;

  beforeAll(async () => {
    t = await startTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
    list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', listIds: [list] });
    campaignId = (
      await t.api('POST', '/api/campaigns', {
        name: 'Launch',
        subject: 'Hello {{ contact.firstName | default: "friend" }}',
        fromEmail: 'news@shop.test',
        html: '<p>Hi {{ contact.firstName }}, see <a href="https://shop.test/sale">the sale</a></p>',
        listIds: [list],
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('sends an untracked [TEST] copy, personalised when the address is a contact', async () => {
    const response = await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['Ada@Example.test', 'boss@shop.test'] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sent: ['ada@example.test', 'boss@shop.test'], failed: [] });
    const outbox = (await t.api('GET', '/api/outbox')).body;
    expect(outbox.total).toBe(2);
    expect(outbox.items.map((i: any) => [i.to, i.subject])).toEqual([
      ['boss@shop.test', '[TEST] Hello friend'],
      ['ada@example.test', '[TEST] Hello Ada'],
    ]);
    const copy = (await t.api('GET', `/api/outbox/${outbox.items[1].name}?format=json`)).body;
    expect(copy.html).toContain('Hi Ada, see <a href="https://shop.test/sale">the sale</a>');
    expect(copy.html).not.toContain('go.shop.test');
    expect(copy.text).toContain('https://shop.test/sale');
    expect(copy.headers['list-unsubscribe']).toBeUndefined();
    const messages = await t.ctx.store.db.selectFrom('messages').select('id').execute();
    expect(messages).toEqual([]);
  });

  it('rejects an address that is not one, naming it', async () => {
    const response = await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['ok@shop.test', 'not-an-address'] });
    expect(response.status).toBe(400);
    expect(response.body.error.path).toBe('$.emails[1]');
  });

  it('captures a real send as .eml files, listed newest first, each readable raw', async () => {
    await t.api('POST', `/api/campaigns/${campaignId}/send`, {});
    const sender = startSender(t.ctx, { idleMs: 10 });
    for (let i = 0; i < 800 && (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    await sender.stop();
    const outbox = (await t.api('GET', '/api/outbox?limit=2')).body;
    expect(outbox.total).toBe(3);
    expect(outbox.items[0]).toMatchObject({ to: 'ada@example.test', subject: 'Hello Ada' });
    const dates = outbox.items.map((i: any) => Date.parse(i.date));
    expect(dates[0]).toBeGreaterThanOrEqual(dates[1]);
    const raw = await fetch(`${t.baseUrl}/api/outbox/${outbox.items[0].name}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(raw.headers.get('content-type')).toMatch(/^message\/rfc822/);
    const text = await raw.text();
    expect(text).toMatch(/^List-Unsubscribe: <https:\/\/go\.shop\.test\/u\/[\w-]+>\r$/m);
    expect(text).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect((await t.api('GET', '/api/outbox/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await t.api('GET', '/api/outbox/nothing.eml')).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/api/outbox`)).status).toBe(401);
  });
});
