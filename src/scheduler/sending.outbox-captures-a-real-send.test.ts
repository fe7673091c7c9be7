import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startScheduler } from './scheduler.js';

describeEachDatabase('a real send without SMTP_URL', (kind) => {
  let t: TestApp;
  let campaignId: number;

  beforeAll(async () => {
    t = await startTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
    const list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
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
    // Test sends first: the outbox lists them beside the real one, newest first.
    await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['Ada@Example.test', 'boss@shop.test'] });
  });
  afterAll(() => t.close());

  it('captures a real send as .eml files, listed newest first, each readable raw', async () => {
    await t.api('POST', `/api/campaigns/${campaignId}/send`, {});
    const sender = startScheduler(t.ctx, { idleMs: 10 });
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

  it('shows a sent message without its open pixel and with links straight to their destination, so reading it records nothing', async () => {
    const sent = (await t.api('GET', '/api/outbox')).body.items.find((item: any) => item.to === 'ada@example.test');
    const raw = await (await fetch(`${t.baseUrl}/api/outbox/${sent.name}`, { headers: { authorization: `Bearer ${t.apiKey}` } })).text();
    expect(raw).toMatch(/go\.shop\.test\/t\/o\//); // the message as sent is tracked…
    const shown = (await t.api('GET', `/api/outbox/${sent.name}?format=json`)).body;
    expect(shown.html).not.toMatch(/\/t\/[oc]\//); // …what the app shows is not
    expect(shown.html).toContain('href="https://shop.test/sale"');
    expect(shown.html).toMatch(/src="data:image\/gif;base64,/);
    // Every address left in the shown message that points at Ricochet records nothing when loaded.
    for (const [, url] of shown.html.matchAll(/(?:src|href)="(https:\/\/go\.shop\.test[^"]*)"/g)) {
      expect(url).not.toMatch(/\/t\//);
    }
    const events = await t.ctx.store.db.selectFrom('events').select('type').where('campaign_id', '=', campaignId).where('type', 'in', ['open', 'click']).execute();
    expect(events).toEqual([]);
  });
});
