import { beforeAll, expect, it } from 'vitest';
import type { ApiCall } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { useSpringSale } from '../../test/support/springSale.js';
import { apiAs } from '../../test/support/workspaces.js';

/**
 * SPEC §9 on the audience: an editor reads every view and makes lists, saved views and
 * draft relaunches from them, but exporting, scheduling (a relaunch with sendAt) and
 * auto-relaunches (they send by themselves) need an admin; a viewer only reads.
 */
const forbidden = { status: 403, code: 'forbidden' };

describeEachDatabase('audience rights by role', (kind) => {
  const { t, s } = useSpringSale(kind);
  let editor: ApiCall;
  let viewer: ApiCall;
  beforeAll(async () => {
    editor = await apiAs(t, 'editor');
    viewer = await apiAs(t, 'viewer');
  });

  const campaigns = async () => (await t.ctx.store.db.selectFrom('campaigns').select('id').execute()).length;
  const verdict = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body?.error?.code });
  const sendAt = () => new Date(Date.now() + 86_400_000).toISOString();

  it('lets an editor read, make a list and relaunch as a draft', async () => {
    expect((await editor('GET', `/api/campaigns/${s.campaignId}/recipients?segment=openers`)).body.total).toBe(5);
    const list = await editor('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', name: 'Openers by the editor' });
    expect(list.status).toBe(201);
    expect(list.body).toMatchObject({ list: { name: 'Openers by the editor', size: 5 }, count: 5 });
    const draft = await editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive' });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ campaign: { status: 'draft', scheduledAt: null, parentCampaignId: s.campaignId }, count: 2 });
    const view = await editor('POST', '/api/views', { name: 'Editor view', segment: 'clickers' });
    expect(view.status).toBe(201);
    expect((await editor('PATCH', `/api/views/${view.body.id}`, { name: 'Renamed' })).status).toBe(200);
    expect((await editor('DELETE', `/api/views/${view.body.id}`)).status).toBe(204);
  });

  it('refuses an editor the export, a relaunch with sendAt and auto-relaunches, changing nothing', async () => {
    const before = await campaigns();
    expect(verdict(await editor('POST', `/api/campaigns/${s.campaignId}/recipients/export`, { segment: 'openers' }))).toEqual(forbidden);
    const scheduled = await editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive', sendAt: sendAt() });
    expect(verdict(scheduled)).toEqual(forbidden);
    expect(scheduled.body.error.message).toMatch(/send right.*leave out sendAt/);
    expect(verdict(await editor('POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: 2, segment: 'inactive' }))).toEqual(forbidden);
    expect(await campaigns()).toBe(before);

    const auto = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: 2, segment: 'inactive' });
    expect(verdict(await editor('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/${auto.body.id}/cancel`))).toEqual(forbidden);
    expect((await editor('GET', `/api/campaigns/${s.campaignId}/auto-relaunch`)).body).toEqual([expect.objectContaining({ id: auto.body.id, status: 'pending' })]);
  });

  it('lets an admin export and schedule a relaunch', async () => {
    expect((await t.api('POST', `/api/campaigns/${s.campaignId}/recipients/export`, { segment: 'openers' })).status).toBe(200);
    const scheduled = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive', sendAt: sendAt() });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.campaign.status).toBe('scheduled');
  });

  it('lets a viewer read every view but make nothing', async () => {
    const reads = [
      `/api/campaigns/${s.campaignId}/recipients`,
      `/api/campaigns/${s.campaignId}/recipients/summary`,
      `/api/campaigns/${s.campaignId}/lineage`,
      `/api/campaigns/${s.campaignId}/auto-relaunch`,
      '/api/views',
    ];
    for (const path of reads) expect((await viewer('GET', path)).status, path).toBe(200);

    const before = await campaigns();
    const writes: Array<[string, string, object?]> = [
      ['POST', `/api/campaigns/${s.campaignId}/recipients/export`, {}],
      ['POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers' }],
      ['POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive' }],
      ['POST', `/api/campaigns/${s.campaignId}/auto-relaunch`, { afterDays: 2, segment: 'inactive' }],
      ['POST', '/api/views', { name: 'Viewer view', segment: 'openers' }],
    ];
    for (const [method, path, body] of writes) expect(verdict(await viewer(method, path, body)), `${method} ${path}`).toEqual(forbidden);
    expect(await campaigns()).toBe(before);
    expect((await viewer('GET', '/api/views')).body.map((v: any) => v.name)).not.toContain('Viewer view');
  });
});
