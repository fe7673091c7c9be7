import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';

describeEachDatabase('SMS campaign preview and length limits', (kind) => {
  let t: TestApp;
  let listId: number;
  beforeAll(async () => {
    t = await startTestApp(kind, { PUBLIC_URL: 'https://r.test', SMS_MAX_PARTS: '1', SMS_STOP_TEXT: 'STOP au 36111' });
    listId = (await t.api('POST', '/api/lists', { name: 'Clients' })).body.id;
    for (const contact of [
      { phone: '+33612345651', firstName: 'Ann' },
      { phone: '+33612345652', firstName: 'Zoë-Éléonore de Montmorency' },
      { phone: '+33612345653', firstName: 'Bartholomew' },
      { phone: '+33612345654', firstName: 'Gone', smsStatus: 'unsubscribed' },
      { email: 'nophone@example.test', firstName: 'Mail' },
    ]) {
      expect((await t.api('POST', '/api/contacts', { ...contact, listIds: [listId] })).status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const body = 'Bonjour {{ contact.firstName | default: "client" }}, -30% : https://shop.example/soldes?utm_source=sms&utm_campaign=printemps';

  it('refuses a body over the parts allowed and a sender id that is not one, naming the field', async () => {
    const long = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Long', body: 'x'.repeat(150), senderId: 'SHOP', listIds: [listId] });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ path: '$.body', message: '$.body makes an SMS of 2 parts (164 GSM characters with short links and the STOP mention); the maximum is 1 part' });
    const sender = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Sender', body: 'Hi', senderId: 'SHOP-AND-MORE', listIds: [listId] });
    expect(sender.status).toBe(400);
    expect(sender.body.error.path).toBe('$.senderId');
    expect((await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Number', body: 'Hi', senderId: '+33700000000', listIds: [listId] })).status).toBe(201);

    const ok = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Ok', body: 'Short', senderId: 'SHOP', listIds: [listId] });
    expect(ok.status).toBe(201);
    const patched = await t.api('PATCH', `/api/campaigns/${ok.body.id}`, { body: '€'.repeat(75) });
    expect(patched.status).toBe(400);
    expect(patched.body.error.path).toBe('$.body');
    expect((await t.api('GET', `/api/campaigns/${ok.body.id}`)).body.body).toBe('Short');
  });

  it('gives characters, encoding and parts for a sample recipient and the longest over the audience', async () => {
    const created = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Soldes', body, senderId: 'SHOP', listIds: [listId] });
    expect(created.status).toBe(201);
    const preview = await t.api('GET', `/api/campaigns/${created.body.id}/sms-preview`);
    expect(preview.status).toBe(200);
    const [ann, zoe] = (await t.api('GET', `/api/contacts?listId=${listId}`)).body.items;
    // "Bonjour " + name + ", -30% : " + 25-character short link + "\nSTOP au 36111"
    expect(preview.body).toEqual({
      maxParts: 1,
      audience: 3,
      sample: { contactId: ann.id, text: 'Bonjour Ann, -30% : https://r.test/s/xxxxxxxx\nSTOP au 36111', characters: 59, encoding: 'gsm7', parts: 1, perPart: 160 },
      longest: { contactId: zoe.id, characters: 83, encoding: 'ucs2', parts: 2, perPart: 67 },
      overMaxParts: 1,
    });
  });

  it('answers 400 for an email campaign and 404 for none', async () => {
    const email = await t.api('POST', '/api/campaigns', { name: 'Mail', subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [listId] });
    const wrong = await t.api('GET', `/api/campaigns/${email.body.id}/sms-preview`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/email campaign/);
    expect((await t.api('GET', '/api/campaigns/999999/sms-preview')).status).toBe(404);
  });
});
