import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';

describeEachDatabase('campaigns API', (kind) => {
  let t: TestApp;
  let listId: number;
  const email = () => ({
    name: 'Spring sale',
    subject: 'Hello {{ contact.firstName | default: "there" }}',
    fromEmail: 'News@Shop.test',
    fromName: 'Shop',
    html: '<p>Hi {{ contact.firstName }}</p><a href="https://shop.test/sale">Sale</a>',
    listIds: [listId],
  });
  beforeAll(async () => {
    t = await startTestApp(kind);
    listId = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
  });
  afterAll(() => t.close());

  it('creates an email draft with the SPEC shape, lists, edits and deletes it', async () => {
    const created = await t.api('POST', '/api/campaigns', { channel: 'email', ...email() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel: 'email',
      name: 'Spring sale',
      status: 'draft',
      fromEmail: 'news@shop.test',
      text: null,
      listIds: [listId],
      parentCampaignId: null,
      audienceLabel: null,
      sentAt: null,
    });
    const id = created.body.id;
    const patched = await t.api('PATCH', `/api/campaigns/${id}`, { subject: 'New subject', text: 'Plain {{ contact.firstName }}' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ subject: 'New subject', text: 'Plain {{ contact.firstName }}', html: email().html });

    const second = await t.api('POST', '/api/campaigns', { ...email(), name: 'Autumn' });
    const page = await t.api('GET', '/api/campaigns?limit=1');
    expect(page.body.total).toBe(2);
    expect(page.body.items.map((c: any) => c.id)).toEqual([second.body.id]);
    const next = await t.api('GET', `/api/campaigns?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((c: any) => c.id)).toEqual([id]);
    expect((await t.api('GET', '/api/campaigns?search=autu')).body.items.map((c: any) => c.name)).toEqual(['Autumn']);

    expect((await t.api('DELETE', `/api/campaigns/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/campaigns/${id}`)).status).toBe(404);
  });

  it('creates an SMS draft with body and sender id', async () => {
    const created = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash', body: 'Sale today {{ contact.firstName }}', senderId: 'SHOP', listIds: [listId] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'sms', body: 'Sale today {{ contact.firstName }}', senderId: 'SHOP', subject: null });
    const missing = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash', body: 'x', listIds: [] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toBe('$.senderId');
  });

  it('answers 400 naming the missing or invalid field', async () => {
    const { subject: _subject, ...withoutSubject } = email();
    const cases: Array<[unknown, string]> = [
      [withoutSubject, '$.subject'],
      [{ ...email(), fromEmail: 'not an address' }, '$.fromEmail'],
      [{ ...email(), replyTo: 'nope@' }, '$.replyTo'],
      [{ ...email(), listIds: [listId, 987654] }, '$.listIds'],
      [{ ...email(), name: undefined }, '$.name'],
      [{ ...email(), listIds: ['1'] }, '$.listIds[0]'],
    ];
    for (const [body, path] of cases) {
      const response = await t.api('POST', '/api/campaigns', body);
      expect(response.status, path).toBe(400);
      expect(response.body.error.path ?? '$', path).toBe(path);
    }
  });

  it('names the line and column of a template that does not parse', async () => {
    const response = await t.api('POST', '/api/campaigns', { ...email(), html: '<p>Hello</p>\n<p>{{ contact.firstName | nosuchfilter }}</p>' });
    expect(response.status).toBe(400);
    expect(response.body.error.path).toBe('$.html');
    expect(response.body.error.message).toMatch(/line 2, column 4/);
    expect(response.body.error.message).toMatch(/nosuchfilter/);
    const unclosed = await t.api('POST', '/api/campaigns', { ...email(), subject: 'Hi {% if contact.firstName %}' });
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/^\$\.subject template error at line 1, column 4/);
  });

  it('refuses to delete or edit a campaign that is no longer a draft', async () => {
    const created = (await t.api('POST', '/api/campaigns', email())).body;
    await t.ctx.store.db.updateTable('campaigns').set({ status: 'sent' }).where('id', '=', created.id).execute();
    const del = await t.api('DELETE', `/api/campaigns/${created.id}`);
    expect(del.status).toBe(409);
    const edit = await t.api('PATCH', `/api/campaigns/${created.id}`, { name: 'x' });
    expect(edit.status).toBe(409);
    expect((await t.api('GET', `/api/campaigns/${created.id}`)).body.name).toBe('Spring sale');
  });
});
