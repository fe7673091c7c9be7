import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { parseFilter, type FilterNode } from './filter.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';
import { resolveView, viewRows } from './view.js';

const HOSTILE = [`Robert'); DROP TABLE contacts;--`, `%' OR '1'='1`, `x" OR 1=1 --`, `\\' ; DELETE FROM messages; --`];

describeEachDatabase('filters compile to parameterised SQL', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  let robert: number;
  beforeAll(async () => {
    ({ id: campaignId } = await addCampaign(t.ctx));
    robert = await addContact(t.ctx, { email: 'robert@ricochet.test', firstName: HOSTILE[0], fields: { 'shoe size': HOSTILE[1]! } });
    const other = await addContact(t.ctx, { email: 'other@ricochet.test', firstName: 'Other' });
    await addMessage(t.ctx, campaignId, robert);
    await addMessage(t.ctx, campaignId, other);
  });

  it('sends every user string, custom field names included, as a bound parameter', async () => {
    const filter: FilterNode = {
      match: 'any',
      conditions: [
        ...HOSTILE.flatMap((value) => [
          { field: 'contact.firstName', op: 'eq', value },
          { field: 'contact.lastName', op: 'contains', value },
          { field: 'contact.email', op: 'startsWith', value },
          { field: 'contact.phone', op: 'in', value: [value, 'x'] },
        ]),
        { field: 'contact.fields.shoe size', op: 'eq', value: HOSTILE[1] },
        { not: { field: 'contact.fields.shoe size', op: 'contains', value: HOSTILE[2] } },
      ],
    };
    const view = await resolveView(t.ctx, campaignId, { filter: parseFilter(filter), human: false });
    const query = viewRows(t.ctx.store.db, view).select('m.contact_id').compile();
    for (const text of [...HOSTILE, 'shoe size', 'Robert', 'DROP', 'DELETE']) {
      expect(query.sql).not.toContain(text);
    }
    expect(query.parameters).toEqual(expect.arrayContaining([HOSTILE[0], HOSTILE[1]]));
    expect(query.parameters.some((p) => typeof p === 'string' && p.includes('shoe size'))).toBe(true);

    // And they match literally: Robert is found, nothing was dropped or deleted.
    const rows = await t.api('GET', `/api/campaigns/${campaignId}/recipients?filter=${encodeURIComponent(JSON.stringify({ field: 'contact.firstName', op: 'eq', value: HOSTILE[0] }))}`);
    expect(rows.body.items.map((r: any) => r.contactId)).toEqual([robert]);
    const wildcard = await t.api('GET', `/api/campaigns/${campaignId}/recipients?filter=${encodeURIComponent(JSON.stringify({ field: 'contact.fields.shoe size', op: 'contains', value: `%' OR '1'='1` }))}`);
    expect(wildcard.body.items.map((r: any) => r.contactId)).toEqual([robert]);
    const percent = await t.api('GET', `/api/campaigns/${campaignId}/recipients?filter=${encodeURIComponent(JSON.stringify({ field: 'contact.firstName', op: 'contains', value: '%' }))}`);
    expect(percent.body.total).toBe(0);
    const counts = await sql<{ n: number }>`select count(*) as n from messages`.execute(t.ctx.store.db);
    expect(Number(counts.rows[0]!.n)).toBe(2);
  });

  it('keeps numbers and ids out of the SQL text too', async () => {
    const view = await resolveView(t.ctx, campaignId, { filter: parseFilter({ match: 'all', conditions: [{ field: 'opens', op: 'gte', value: 987654 }, { field: 'contact.inList', op: 'eq', value: 1 }] }), human: false }).catch((e) => e);
    // List 1 does not exist: the ids a filter names are checked before anything runs.
    expect(view.status).toBe(400);
    const ok = await resolveView(t.ctx, campaignId, { filter: parseFilter({ field: 'opens', op: 'gte', value: 987654 }), human: false });
    const query = viewRows(t.ctx.store.db, ok).select('m.contact_id').compile();
    expect(query.sql).not.toContain('987654');
    expect(query.parameters).toContain(987654);
  });
});
