import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';

describeEachDatabase('Unknown properties in a request body', (kind) => {
  let t: TestApp;
  let listId: number;
  beforeAll(async () => {
    t = await startTestApp(kind);
    listId = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
  });
  afterAll(() => t.close());

  const campaign = () => ({ channel: 'email', name: 'Spring sale', subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [listId] });

  it('refuses a campaign with a misspelt field, naming it, and creates nothing', async () => {
    const before = (await t.api('GET', '/api/campaigns')).body.total;
    const response = await t.api('POST', '/api/campaigns', { ...campaign(), lsitIds: [listId] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', path: '$.lsitIds', message: '$.lsitIds is not a known property' });
    expect((await t.api('GET', '/api/campaigns')).body.total).toBe(before);
  });

  it('refuses a create-list with a misspelt segment, instead of listing everyone', async () => {
    const id = (await t.api('POST', '/api/campaigns', campaign())).body.id;
    const response = await t.api('POST', `/api/campaigns/${id}/actions/create-list`, { name: 'Openers', segmnet: 'openers' });
    expect(response.status).toBe(400);
    expect(response.body.error.path).toBe('$.segmnet');
  });

  it('refuses an unknown property on a patch and on a contact, and leaves them unchanged', async () => {
    const contact = await t.api('POST', '/api/contacts', { email: 'ada@example.com', firstName: 'Ada' });
    expect(contact.status).toBe(201);
    const patch = await t.api('PATCH', `/api/contacts/${contact.body.id}`, { firstName: 'Grace', emial: 'other@example.com' });
    expect(patch.status).toBe(400);
    expect(patch.body.error.path).toBe('$.emial');
    expect((await t.api('GET', `/api/contacts/${contact.body.id}`)).body.firstName).toBe('Ada');
    const created = await t.api('POST', '/api/contacts', { email: 'bob@example.com', frstName: 'Bob' });
    expect(created.status).toBe(400);
    expect(created.body.error.path).toBe('$.frstName');
  });

  it('still takes custom fields of any name, and a body with only known properties', async () => {
    const created = await t.api('POST', '/api/contacts', { email: 'carol@example.com', fields: { shoeSize: 38 } });
    expect(created.status).toBe(201);
    expect((await t.api('POST', '/api/campaigns', campaign())).status).toBe(201);
  });
});
