import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';

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

  it('names an address that is not one and still sends to the good one', async () => {
    const before = (await t.api('GET', '/api/outbox')).body.total;
    const response = await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['ok@shop.test', 'not-an-address'] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sent: ['ok@shop.test'], failed: [{ email: 'not-an-address', reason: expect.stringMatching(/not a valid email address/) }] });
    expect((await t.api('GET', '/api/outbox')).body.total).toBe(before + 1);
  });
});
