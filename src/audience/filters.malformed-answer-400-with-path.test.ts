import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { MAX_CONDITIONS } from './filter.js';
import { addCampaign } from '../../test/support/audienceScenario.js';

const opened = { field: 'opened', op: 'is', value: true };

describeEachDatabase('malformed filters', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  let otherLink: number;
  beforeAll(async () => {
    ({ id: campaignId } = await addCampaign(t.ctx, { links: [{ url: 'https://shop.example/a' }] }));
    otherLink = (await addCampaign(t.ctx, { links: [{ url: 'https://shop.example/b' }] })).linkIds[0]!;
  });

  const get = (filter: unknown) =>
    t.api('GET', `/api/campaigns/${campaignId}/recipients?filter=${encodeURIComponent(typeof filter === 'string' ? filter : JSON.stringify(filter))}`);

  it('answers 400 naming the JSON path of the offending node', async () => {
    let deep: unknown = opened;
    for (let i = 0; i < 5; i++) deep = { not: deep };
    const cases: Array<[unknown, string, RegExp]> = [
      ['{"match":', 'query.filter', /not valid JSON/],
      [{ match: 'all', conditions: [opened, opened, { field: 'opened', op: 'gte', value: true }] }, '$.conditions[2].op', /opened takes one of is/],
      [{ match: 'all', conditions: [{ field: 'openned', op: 'is', value: true }] }, '$.conditions[0].field', /unknown field "openned"/],
      [{ field: 'opens', op: 'gt', value: 'three' }, '$.value', /expected integer/],
      [{ field: 'opens', op: 'gt', value: 1, extra: 1 }, '$.extra', /unexpected property/],
      [{ field: 'received', op: 'is', value: true, human: true }, '$.human', /unexpected property/],
      [{ field: 'lastOpenAt', op: 'before', value: 'yesterday' }, '$.value', /ISO 8601/],
      [{ field: 'lastOpenAt', op: 'before', value: '2025-13-45' }, '$.value', /not a real date/],
      [{ field: 'firstClickAt', op: 'between', value: ['2025-03-01'] }, '$.value', /2 elements/],
      [{ field: 'clickedLink', op: 'gte', value: 1 }, '$.linkId', /required/],
      [{ field: 'clickedLink', linkId: otherLink, op: 'gte', value: 1 }, '$.linkId', /not a link of campaign/],
      [{ field: 'opened', campaignId: 999999, op: 'is', value: true }, '$.campaignId', /does not exist/],
      [{ field: 'contact.inList', op: 'in', value: [999999] }, '$.value', /does not exist/],
      [{ match: 'some', conditions: [] }, '$.match', /./],
      [{ match: 'all', conditions: [[opened]] }, '$.conditions[0]', /must be an object/],
      [{ match: 'any', conditions: [{ not: opened, also: 1 }] }, '$.conditions[0].also', /unexpected property/],
      [{ value: 1 }, '$', /must be a condition/],
      [{ match: 'all', conditions: [opened, { variant: 'E' }] }, '$.conditions[1].variant', /variant key, A to D/],
      [{ variant: 'a' }, '$.variant', /variant key, A to D/],
      [{ variant: ['A'] }, '$.variant', /variant key, A to D/],
      [{ not: { variant: 'B', field: 'opened' } }, '$.not.field', /holds only \{ variant \}/],
      [deep, '$.not.not.not.not.not', /at most 5 levels/],
      [{ match: 'all', conditions: Array.from({ length: MAX_CONDITIONS + 1 }, () => opened) }, '$.conditions', /50/],
      [{ match: 'all', conditions: [{ match: 'any', conditions: Array.from({ length: 30 }, () => opened) }, { match: 'any', conditions: Array.from({ length: 30 }, () => opened) }] }, '$.conditions[1].conditions[20]', /at most 50 conditions/],
    ];
    for (const [filter, path, message] of cases) {
      const response = await get(filter);
      expect(response.status, JSON.stringify(filter)).toBe(400);
      expect(response.body.error.path, JSON.stringify(filter)).toBe(path);
      expect(response.body.error.message).toMatch(message);
      expect(response.body.error.message).not.toMatch(/select|from messages/i);
    }
  });

  it('names the path inside a request body, and rejects bad segments, sorts and cursors', async () => {
    const body = await t.api('POST', `/api/campaigns/${campaignId}/actions/create-list`, { filter: { match: 'all', conditions: [{ field: 'opens', op: 'is', value: 2 }] } });
    expect(body.status).toBe(400);
    expect(body.body.error.path).toBe('$.filter.conditions[0].op');
    const bothInBody = await t.api('POST', `/api/campaigns/${campaignId}/actions/create-list`, { viewId: 1, segment: 'openers' });
    expect(bothInBody.status).toBe(400);
    expect(bothInBody.body.error.path).toBe('$.viewId');
    const noSuchView = await t.api('POST', `/api/campaigns/${campaignId}/recipients/export`, { viewId: 999999 });
    expect(noSuchView.status).toBe(400);
    expect(noSuchView.body.error.path).toBe('$.viewId');
    const segment = await t.api('GET', `/api/campaigns/${campaignId}/recipients?segment=lurkers`);
    expect(segment.status).toBe(400);
    expect(segment.body.error.path).toBe('query.segment');
    const sort = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=password`);
    expect(sort.status).toBe(400);
    expect(sort.body.error.path).toBe('query.sort');
    const cursor = await t.api('GET', `/api/campaigns/${campaignId}/recipients?cursor=not-a-cursor`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.path).toBe('query.cursor');
    const both = await t.api('GET', `/api/campaigns/${campaignId}/recipients?viewId=1&segment=openers`);
    expect(both.status).toBe(400);
    expect(both.body.error.path).toBe('query.viewId');
  });
});
