import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import type { FilterNode } from './filter.js';
import { addCampaign, addMessage } from '../../test/support/audienceScenario.js';
import { DAY, SENT_AT, useSpringSale } from '../../test/support/springSale.js';

const opened: FilterNode = { field: 'opened', op: 'is', value: true };

describeEachDatabase('advanced filters on a known scenario', (kind) => {
  const { t, s } = useSpringSale(kind);

  async function members(filter: FilterNode, extra = ''): Promise<string[]> {
    const query = `filter=${encodeURIComponent(JSON.stringify(filter))}&limit=1000${extra}`;
    const page = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?${query}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.total).toBe(page.body.items.length);
    return s.names(page.body.items.map((r: any) => r.contactId));
  }

  it('combines AND, OR and NOT at any depth', async () => {
    const parisOrThreeOpens: FilterNode = {
      match: 'all',
      conditions: [opened, { match: 'any', conditions: [{ field: 'contact.fields.city', op: 'eq', value: 'Paris' }, { not: { field: 'opens', op: 'lt', value: 3 } }] }],
    };
    expect(await members(parisOrThreeOpens)).toEqual(['alice', 'erin', 'ivy']);
    expect(await members({ not: parisOrThreeOpens })).toEqual(['bob', 'carol', 'dan', 'frank', 'jack']);
    expect(await members({ match: 'any', conditions: [{ field: 'bounced', op: 'is', value: 'hard' }, { field: 'unsubscribed', op: 'is', value: true }] })).toEqual(['dan', 'jack']);
    // Five levels, the most a filter may nest.
    const deep: FilterNode = { match: 'all', conditions: [{ match: 'any', conditions: [{ not: { not: opened } }] }] };
    expect(await members(deep)).toEqual(['alice', 'bob', 'erin', 'ivy', 'jack']);
    expect(await members({ match: 'all', conditions: [] })).toHaveLength(8);
    expect(await members({ match: 'any', conditions: [] })).toEqual([]);
  });

  it('treats "did not click link n" as an anti-join, and clicks on a link as counts', async () => {
    expect(await members({ match: 'all', conditions: [opened, { not: { field: 'clickedLink', linkId: s.links.sale, op: 'gte', value: 1 } }] })).toEqual(['alice', 'erin', 'ivy', 'jack']);
    expect(await members({ field: 'clickedLink', linkId: s.links.sale, op: 'eq', value: 2 })).toEqual(['bob']);
    expect(await members({ field: 'clickedLink', linkId: s.links.shoes, op: 'lt', value: 1 })).toEqual(['alice', 'carol', 'dan', 'erin', 'frank', 'ivy', 'jack']);
    expect(await members({ field: 'clickedLink', linkId: s.links.trap, op: 'is', value: true })).toEqual(['ivy']);
    expect(await members({ field: 'clickedLink', linkId: s.links.trap, op: 'is', value: true, human: true })).toEqual([]);
  });

  it('switches open and click conditions to human events per condition or for the whole view', async () => {
    expect(await members({ field: 'opens', op: 'gte', value: 1, human: true })).toEqual(['alice', 'jack']);
    expect(await members({ field: 'opens', op: 'gte', value: 1 }, '&human=true')).toEqual(['alice', 'jack']);
    expect(await members({ field: 'opens', op: 'gte', value: 1 })).toEqual(['alice', 'erin', 'jack']);
  });

  it('filters on contact fields, custom fields and list membership', async () => {
    expect(await members({ field: 'contact.firstName', op: 'contains', value: 'AN' })).toEqual(['dan', 'frank']);
    expect(await members({ field: 'contact.firstName', op: 'startsWith', value: 'j' })).toEqual(['jack']);
    expect(await members({ field: 'contact.firstName', op: 'in', value: ['Alice', 'Bob'] })).toEqual(['alice', 'bob']);
    expect(await members({ field: 'contact.email', op: 'eq', value: 'Carol@Ricochet.test' })).toEqual(['carol']);
    expect(await members({ field: 'contact.lastName', op: 'isEmpty', value: true })).toHaveLength(8);
    expect(await members({ field: 'contact.fields.age', op: 'gte', value: 40 })).toEqual(['bob']);
    expect(await members({ field: 'contact.fields.age', op: 'neq', value: 34 })).toEqual(['bob', 'carol', 'dan', 'erin', 'frank', 'ivy', 'jack']);
    expect(await members({ field: 'contact.fields.city', op: 'isEmpty', value: true })).toEqual(['dan', 'frank']);
    expect(await members({ field: 'contact.inList', op: 'eq', value: s.vip })).toEqual(['alice', 'carol']);
    expect(await members({ match: 'all', conditions: [opened, { not: { field: 'contact.inList', op: 'in', value: [s.vip] } }] })).toEqual(['bob', 'erin', 'ivy', 'jack']);
  });

  it('compares dates, withinLastDays against the clock', async () => {
    t.clock.now = SENT_AT + 3 * DAY;
    expect(await members({ field: 'lastOpenAt', op: 'withinLastDays', value: 2 })).toEqual(['alice', 'bob', 'erin']);
    expect(await members({ not: { field: 'lastOpenAt', op: 'withinLastDays', value: 2 } })).toEqual(['carol', 'dan', 'frank', 'ivy', 'jack']);
    t.clock.now = SENT_AT + 6 * DAY;
    expect(await members({ field: 'lastOpenAt', op: 'withinLastDays', value: 2 })).toEqual([]);
    const iso = (hours: number) => new Date(SENT_AT + hours * 3_600_000).toISOString();
    expect(await members({ field: 'firstOpenAt', op: 'between', value: [iso(0), iso(2)] })).toEqual(['alice', 'erin', 'ivy']);
    expect(await members({ field: 'firstClickAt', op: 'after', value: iso(1) })).toEqual(['bob']);
    expect(await members({ field: 'contact.createdAt', op: 'before', value: '2025-03-01' })).toHaveLength(8);
    t.clock.real();
  });

  it('asks about behaviour in another campaign', async () => {
    const summer = await addCampaign(t.ctx, { name: 'Summer' });
    await addMessage(t.ctx, summer.id, s.ids.alice!, { opens: 1, humanOpens: 1 });
    await addMessage(t.ctx, summer.id, s.ids.bob!, {});
    await addMessage(t.ctx, summer.id, s.ids.carol!, { status: 'bounced' });
    expect(await members({ field: 'opened', campaignId: summer.id, op: 'is', value: true })).toEqual(['alice']);
    expect(await members({ field: 'received', campaignId: summer.id, op: 'is', value: false })).toEqual(['carol', 'dan', 'erin', 'frank', 'ivy', 'jack']);
    expect(await members({ match: 'all', conditions: [opened, { field: 'opened', campaignId: summer.id, op: 'is', value: false }] })).toEqual(['bob', 'erin', 'ivy', 'jack']);
  });
});
