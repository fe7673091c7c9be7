import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addMessage } from '../../test/support/audienceScenario.js';
import { useSpringSale } from '../../test/support/springSale.js';

describeEachDatabase('saved views', (kind) => {
  const { t, s } = useSpringSale(kind);

  it('keeps a named segment and filter, and applies it to any campaign', async () => {
    const filter = { match: 'all', conditions: [{ field: 'contact.fields.city', op: 'in', value: ['Paris', 'Lyon'] }] };
    const created = await t.api('POST', '/api/views', { name: 'Engaged city dwellers', segment: 'active', filter });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Engaged city dwellers', segment: 'active', filter });
    const viewId = created.body.id;

    // On the Spring sale: active (alice bob erin ivy jack) in Paris or Lyon.
    const spring = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?viewId=${viewId}`);
    expect(s.names(spring.body.items.map((r: any) => r.contactId))).toEqual(['alice', 'bob', 'erin', 'ivy']);

    // Reused on another campaign, where other people were active.
    const summer = await addCampaign(t.ctx, { name: 'Summer' });
    await addMessage(t.ctx, summer.id, s.ids.carol!, { opens: 2 });
    await addMessage(t.ctx, summer.id, s.ids.alice!, {});
    await addMessage(t.ctx, summer.id, s.ids.jack!, { clicks: 1 });
    const onSummer = await t.api('GET', `/api/campaigns/${summer.id}/recipients?viewId=${viewId}`);
    expect(s.names(onSummer.body.items.map((r: any) => r.contactId))).toEqual(['carol']);
    const summary = await t.api('GET', `/api/campaigns/${summer.id}/recipients/summary?viewId=${viewId}`);
    expect(summary.body).toEqual({ total: 1, segments: { openers: 1, clickers: 0, active: 1, inactive: 0 } });
    const relaunched = await t.api('POST', `/api/campaigns/${summer.id}/actions/relaunch`, { viewId });
    expect(relaunched.body).toMatchObject({ count: 1, campaign: { audienceLabel: 'active view' } });
    const listed = await t.api('POST', `/api/campaigns/${summer.id}/actions/create-list`, { viewId, name: 'From a saved view' });
    expect(listed.body).toMatchObject({ count: 1, list: { size: 1 } });
  });

  it('lists, renames, changes and deletes views, and checks their filters', async () => {
    const a = await t.api('POST', '/api/views', { name: 'Clickers only', segment: 'clickers' });
    expect((await t.api('GET', '/api/views')).body.map((v: any) => v.name)).toContain('Clickers only');
    const patched = await t.api('PATCH', `/api/views/${a.body.id}`, { name: 'Clickers in Nice', filter: { field: 'contact.fields.city', op: 'eq', value: 'Nice' } });
    expect(patched.body).toMatchObject({ name: 'Clickers in Nice', segment: 'clickers', filter: { field: 'contact.fields.city', op: 'eq', value: 'Nice' } });
    expect((await t.api('GET', `/api/views/${a.body.id}`)).body.name).toBe('Clickers in Nice');
    const bad = await t.api('POST', '/api/views', { name: 'Broken', filter: { match: 'all', conditions: [{ field: 'opens', op: 'gte' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('$.filter.conditions[0].value');
    expect((await t.api('POST', '/api/views', { name: 'Empty' })).status).toBe(400);
    expect((await t.api('DELETE', `/api/views/${a.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/views/${a.body.id}`)).status).toBe(404);
    const gone = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?viewId=${a.body.id}`);
    expect(gone.status).toBe(400);
    expect(gone.body.error.path).toBe('query.viewId');
  });
});
