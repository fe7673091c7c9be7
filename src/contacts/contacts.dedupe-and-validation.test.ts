import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

describeEachDatabase('contacts API', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { DEFAULT_COUNTRY: 'FR' });
  });
  afterAll(() => t.close());

  it('creates a contact with normalised email and E.164 phone', async () => {
    const res = await t.api('POST', '/api/contacts', {
      email: '  Alice@Example.COM ',
      phone: '06 12 34 56 78',
      firstName: 'Alice',
      fields: { city: 'Paris', vip: true, score: 42, birthday: '1990-04-01' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'alice@example.com',
      phone: '+33612345678',
      firstName: 'Alice',
      lastName: null,
      fields: { city: 'Paris', vip: true, score: 42, birthday: '1990-04-01' },
      emailStatus: 'subscribed',
      smsStatus: 'subscribed',
      trackingConsent: true,
    });
    expect(res.body.id).toBeTypeOf('number');
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });

  it('answers 409 with the existing id for the same email in another case', async () => {
    const first = await t.api('POST', '/api/contacts', { email: 'bob@example.com' });
    const again = await t.api('POST', '/api/contacts', { email: 'BOB@Example.com' });
    expect(again.status).toBe(409);
    expect(again.body.error.existingId).toBe(first.body.id);
  });

  it('answers 409 with the existing id for the same phone in another format', async () => {
    const first = await t.api('POST', '/api/contacts', { phone: '+33 6 98 76 54 32' });
    const again = await t.api('POST', '/api/contacts', { phone: '0698765432' });
    expect(again.status).toBe(409);
    expect(again.body.error.existingId).toBe(first.body.id);
  });

  it('answers 400 naming the problem for an invalid email, an impossible phone and neither', async () => {
    const email = await t.api('POST', '/api/contacts', { email: 'not-an-email' });
    expect(email.status).toBe(400);
    expect(email.body.error.path).toBe('$.email');
    const phone = await t.api('POST', '/api/contacts', { phone: '+33 1' });
    expect(phone.status).toBe(400);
    expect(phone.body.error.path).toBe('$.phone');
    const neither = await t.api('POST', '/api/contacts', { firstName: 'Nobody' });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toMatch(/email or a phone/);
    const wrongType = await t.api('POST', '/api/contacts', { email: 'x@example.com', emailStatus: 'maybe' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.path).toBe('$.emailStatus');
    expect(JSON.stringify(wrongType.body)).not.toMatch(/at .*\.ts|SELECT|INSERT/i);
  });

  it('rejects malformed JSON with a 400 and no stack trace', async () => {
    const res = await fetch(`${t.baseUrl}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBeTypeOf('string');
    expect(JSON.stringify(body)).not.toMatch(/node_modules|at /);
  });

  it('updates only what the patch names, merging custom fields', async () => {
    const created = await t.api('POST', '/api/contacts', { email: 'carol@example.com', firstName: 'Carol', fields: { city: 'Lyon', plan: 'pro' } });
    const patched = await t.api('PATCH', `/api/contacts/${created.body.id}`, { lastName: 'King', fields: { city: 'Nice', plan: null }, smsStatus: 'unsubscribed' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ email: 'carol@example.com', firstName: 'Carol', lastName: 'King', fields: { city: 'Nice' }, smsStatus: 'unsubscribed' });
    expect(patched.body.fields).not.toHaveProperty('plan');
    const clash = await t.api('PATCH', `/api/contacts/${created.body.id}`, { email: 'bob@example.com' });
    expect(clash.status).toBe(409);
  });

  it('lists with search and cursor paging', async () => {
    for (let i = 0; i < 5; i++) await t.api('POST', '/api/contacts', { email: `page${i}@paging.test`, lastName: `Pager${i}` });
    const first = await t.api('GET', '/api/contacts?search=page&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(5);
    expect(first.body.items.map((c: any) => c.email)).toEqual(['page0@paging.test', 'page1@paging.test']);
    const second = await t.api('GET', `/api/contacts?search=page&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: any) => c.email)).toEqual(['page2@paging.test', 'page3@paging.test']);
    const third = await t.api('GET', `/api/contacts?search=page&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items).toHaveLength(1);
    expect(third.body.nextCursor).toBeNull();
    const byName = await t.api('GET', '/api/contacts?search=pager3');
    expect(byName.body.items.map((c: any) => c.email)).toEqual(['page3@paging.test']);
    const literal = await t.api('GET', '/api/contacts?search=%25');
    expect(literal.body.total).toBe(0);
    const badCursor = await t.api('GET', '/api/contacts?cursor=garbage');
    expect(badCursor.status).toBe(400);
  });
});
