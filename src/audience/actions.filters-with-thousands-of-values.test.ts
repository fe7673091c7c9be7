import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';

/**
 * A filter may hold 50 conditions of 1,000 `in` values each: far more values than
 * a statement may bind one by one (SQLite stops at 32,766). Create-list and the
 * export must still answer exactly the contacts the filter describes.
 */
describeEachDatabase('filters with thousands of values', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  const contacts: Array<{ id: number; i: number; email: string; city: string; firstName: string }> = [];
  beforeAll(async () => {
    campaignId = (await addCampaign(t.ctx, { name: 'Autumn' })).id;
    for (let i = 0; i < 60; i++) {
      const c = { i, email: `c${i}@ricochet.test`, city: ['Paris', 'Lyon', 'Nantes'][i % 3]!, firstName: `Name${i % 4}` };
      const id = await addContact(t.ctx, { email: c.email, firstName: c.firstName, fields: { city: c.city } });
      await addMessage(t.ctx, campaignId, id);
      contacts.push({ id, ...c });
    }
  });

  /** `wanted` padded with values that match nobody, up to 1,000. */
  const thousand = (wanted: string[], tag: string) => [...wanted, ...Array.from({ length: 1000 - wanted.length }, (_, j) => `${tag}-${j}@nobody.test`)];

  // 40 conditions × 1,000 values: even contacts (emails, in any case), not in Nantes, not Name2, and not c4.
  const filter = () => ({
    match: 'all',
    conditions: [
      ...Array.from({ length: 30 }, (_, k) => ({ field: 'contact.email', op: 'in', value: thousand(contacts.filter((c) => c.i % 2 === 0).map((c) => (k % 2 ? c.email.toUpperCase() : c.email)), `e${k}`) })),
      ...Array.from({ length: 6 }, (_, k) => ({ field: 'contact.fields.city', op: 'in', value: thousand(['Paris', 'Lyon'], `city${k}`) })),
      ...Array.from({ length: 3 }, (_, k) => ({ field: 'contact.firstName', op: 'in', value: thousand(['Name0', 'Name1', 'Name3'], `first${k}`) })),
      { not: { field: 'contact.email', op: 'in', value: thousand(['c4@ricochet.test'], 'not') } },
    ],
  });
  const expected = () =>
    contacts
      .filter((c) => c.i % 2 === 0 && c.city !== 'Nantes' && c.firstName !== 'Name2' && c.i !== 4)
      .map((c) => c.id)
      .sort((a, b) => a - b);

  it('creates a list of exactly the matching contacts', async () => {
    const want = expected();
    expect(want.length).toBeGreaterThan(5);
    const created = await t.api('POST', `/api/campaigns/${campaignId}/actions/create-list`, { filter: filter(), name: 'Many values' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ list: { name: 'Many values', size: want.length }, count: want.length, added: want.length });
    const members = (await t.api('GET', `/api/contacts?listId=${created.body.list.id}&limit=1000`)).body.items.map((c: any) => c.id);
    expect(members.sort((a: number, b: number) => a - b)).toEqual(want);
  });

  it('exports exactly the matching rows', async () => {
    const response = await fetch(`${t.baseUrl}/api/campaigns/${campaignId}/recipients/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: filter() }),
    });
    expect(response.status).toBe(200);
    const records: Array<Record<string, string>> = parse(await response.text(), { bom: true, columns: true });
    expect(records.map((r) => Number(r.contactId))).toEqual(expected());
    expect(records.every((r) => r.email && r.email === contacts.find((c) => c.id === Number(r.contactId))!.email)).toBe(true);
  });
});
