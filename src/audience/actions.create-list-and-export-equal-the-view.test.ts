import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { EXPORT_COLUMNS } from './export.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';
import { useSpringSale } from '../../test/support/springSale.js';

describeEachDatabase('actions on the active view', (kind) => {
  const { t, s } = useSpringSale(kind);

  const view = async (campaignId: number, query: string) => {
    const items: any[] = [];
    let cursor = '';
    for (;;) {
      const page = await t.api('GET', `/api/campaigns/${campaignId}/recipients?limit=1000&${query}${cursor && `&cursor=${cursor}`}`);
      items.push(...page.body.items);
      if (!page.body.nextCursor) return { total: page.body.total as number, items };
      cursor = page.body.nextCursor;
    }
  };
  const members = async (listId: number) => (await t.api('GET', `/api/contacts?listId=${listId}&limit=1000`)).body.items.map((c: any) => c.id).sort((a: number, b: number) => a - b);
  const exportCsv = async (campaignId: number, body: object) => {
    const response = await fetch(`${t.baseUrl}/api/campaigns/${campaignId}/recipients/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { response, text: await response.text() };
  };

  it('creates a list holding exactly the view, its count equal to the view total', async () => {
    const openers = await view(s.campaignId, 'segment=openers');
    const created = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ list: { id: expect.any(Number), name: 'Spring sale - openers', size: openers.total }, count: openers.total, added: openers.total });
    expect(await members(created.body.list.id)).toEqual(openers.items.map((r) => r.contactId).sort((a, b) => a - b));

    const filter = { match: 'any', conditions: [{ field: 'contact.fields.city', op: 'eq', value: 'Paris' }, { field: 'bounced', op: 'is', value: true }] };
    const active = await view(s.campaignId, `filter=${encodeURIComponent(JSON.stringify(filter))}&human=true`);
    const named = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { filter, human: true, name: 'Paris or bounced' });
    expect(named.body).toMatchObject({ list: { name: 'Paris or bounced', size: active.total }, count: active.total });
    expect(await members(named.body.list.id)).toEqual(active.items.map((r) => r.contactId).sort((a, b) => a - b));
  });

  it('adds the view to an existing list, counting the view and what was new', async () => {
    // VIP holds alice and carol; alice is an opener.
    const added = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', listId: s.vip });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ list: { id: s.vip, name: 'VIP', size: 6 }, count: 5, added: 4 });
    const missing = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', listId: 999999 });
    expect(missing.status).toBe(404);
  });

  it('exports the rows of the view, every column, links in one column', async () => {
    const filter = { not: { field: 'contact.firstName', op: 'eq', value: 'Carol' } };
    const rows = await view(s.campaignId, `filter=${encodeURIComponent(JSON.stringify(filter))}&sort=-clicks`);
    const { response, text } = await exportCsv(s.campaignId, { filter, sort: '-clicks' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="campaign-${s.campaignId}-active-view.csv"`);
    const records: Record<string, string>[] = parse(text, { bom: true, columns: true });
    expect(Object.keys(records[0]!)).toEqual(EXPORT_COLUMNS);
    expect(records).toHaveLength(rows.total);
    const cell = (v: unknown) => (v === null ? '' : String(v));
    records.forEach((record, i) => {
      const row = rows.items[i];
      for (const column of EXPORT_COLUMNS) {
        const expected = column === 'links' ? row.links.map((l: any) => `${l.url} (${l.clicks})`).join(' | ') : cell(row[column]);
        expect(record[column], `${column} of row ${i}`).toBe(expected);
      }
    });
    expect(records[0]!.links).toBe('https://shop.example/sale (2) | https://shop.example/shoes (1)');
  });

  it('streams a large view page after page, and defuses spreadsheet formulas', async () => {
    const big = await addCampaign(t.ctx, { name: 'Big' });
    const trap = await addContact(t.ctx, { email: 'trap@ricochet.test', firstName: '=HYPERLINK("https://evil.example")', phone: '+33612345678' });
    await addMessage(t.ctx, big.id, trap, { opens: 1 });
    const now = t.ctx.now();
    const contacts = Array.from({ length: 4500 }, (_, i) => ({ workspace_id: t.ctx.workspaceId, email: `bulk${i}@ricochet.test`, fields: t.ctx.store.dialect.writeJson({}), created_at: now, updated_at: now }));
    for (let i = 0; i < contacts.length; i += 500) {
      const ids = await t.ctx.store.db.insertInto('contacts').values(contacts.slice(i, i + 500)).returning('id').execute();
      await t.ctx.store.db.insertInto('messages').values(ids.map(({ id }) => ({ campaign_id: big.id, contact_id: id, status: 'delivered' as const }))).execute();
    }
    const { text } = await exportCsv(big.id, {});
    const records: Record<string, string>[] = parse(text, { bom: true, columns: true });
    expect(records).toHaveLength(4501);
    expect(new Set(records.map((r) => r.contactId)).size).toBe(4501);
    const trapRow = records.find((r) => r.email === 'trap@ricochet.test')!;
    expect(trapRow.firstName).toBe(`'=HYPERLINK("https://evil.example")`);
    expect(trapRow.phone).toBe('+33612345678');
    const bad = await exportCsv(big.id, { filter: { field: 'nope', op: 'is', value: true } });
    expect(bad.response.status).toBe(400);
    expect(JSON.parse(bad.text).error.path).toBe('$.filter.field');
  });
});
