import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { DAY, SENT_AT, springSale, useSpringSale, type SpringSale } from '../../test/support/springSale.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import { runDueAutoRelaunches } from './autoRelaunch.js';

/**
 * The audit log says who took which contacts out of a campaign's view: export,
 * list from a view and relaunch each record the view as applied (a saved view's
 * segment and filter included) and how many contacts it held.
 */
describeEachDatabase('audience actions in the audit log', (kind) => {
  const { t, s } = useSpringSale(kind);
  let keyId: number;
  const latest = async (api: ApiCall = t.api) => (await api('GET', '/api/audit')).body.items[0];
  beforeAll(async () => {
    keyId = (await t.ctx.store.db.selectFrom('api_keys').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
  });

  it('records an export with its view and the count it held', async () => {
    const filter = { field: 'contact.fields.city', op: 'eq', value: 'Paris' };
    const response = await t.api('POST', `/api/campaigns/${s.campaignId}/recipients/export`, { segment: 'openers', filter, human: true });
    expect(response.status).toBe(200);
    // Human openers in Paris: alice only.
    expect(await latest()).toMatchObject({
      actor: { type: 'apikey', id: keyId, name: 'test' },
      action: 'recipients.export',
      objectType: 'campaign',
      objectId: s.campaignId,
      details: { campaignId: s.campaignId, segment: 'openers', filter, human: true, count: 1 },
    });
  });

  it('records a list made from a view, new or existing, with the count and what was added', async () => {
    const made = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', name: 'Openers' });
    expect(await latest()).toMatchObject({
      action: 'list.createFromView',
      objectType: 'list',
      objectId: made.body.list.id,
      details: { campaignId: s.campaignId, segment: 'openers', filter: null, human: false, count: 5, added: 5, newList: true },
    });
    await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', listId: s.vip });
    expect(await latest()).toMatchObject({ action: 'list.createFromView', objectId: s.vip, details: { count: 5, added: 4, newList: false } });
  });

  it("records a relaunch from a saved view with the view's own segment and filter, the count and the send time, as its actor", async () => {
    const filter = { field: 'contact.fields.city', op: 'in', value: ['Paris', 'Lyon'] };
    const view = await t.api('POST', '/api/views', { name: 'Engaged city dwellers', segment: 'active', filter });
    const sendAt = new Date(Date.now() + 2 * DAY).toISOString();
    const made = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { viewId: view.body.id, sendAt });
    expect(made.body.count).toBe(4);
    expect(await latest()).toMatchObject({
      actor: { type: 'apikey', id: keyId },
      action: 'campaign.relaunch',
      objectType: 'campaign',
      objectId: made.body.campaign.id,
      details: { parentCampaignId: s.campaignId, segment: 'active', filter, human: false, viewId: view.body.id, count: 4, sendAt },
    });

    const editor = await apiAs(t, 'editor');
    const draft = await editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive' });
    expect(await latest()).toMatchObject({
      actor: { type: 'apikey', name: 'as editor' },
      action: 'campaign.relaunch',
      objectId: draft.body.campaign.id,
      details: { parentCampaignId: s.campaignId, segment: 'inactive', filter: null, count: 2, sendAt: null },
    });
    // Refused: nothing recorded.
    expect((await editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { segment: 'inactive', sendAt })).status).toBe(403);
    expect((await latest()).objectId).toBe(draft.body.campaign.id);
  });

  describe('an auto-relaunch of another workspace', () => {
    let b: Awaited<ReturnType<typeof addWorkspace>>;
    let sb: SpringSale;
    beforeAll(async () => {
      b = await addWorkspace(t);
      sb = await springSale(b.ctx);
    });

    it("runs in its campaign's workspace and is recorded there as Ricochet's", async () => {
      t.clock.now = SENT_AT + DAY;
      const auto = await b.api('POST', `/api/campaigns/${sb.campaignId}/auto-relaunch`, { afterDays: 2, segment: 'inactive' });
      expect(auto.status).toBe(201);
      expect(await latest(b.api)).toMatchObject({
        actor: { type: 'apikey' },
        action: 'autoRelaunch.create',
        objectType: 'campaign',
        objectId: sb.campaignId,
        details: { autoRelaunchId: auto.body.id, afterDays: 2, segment: 'inactive' },
      });
      const aBefore = await latest();
      t.clock.now = SENT_AT + 3 * DAY;
      expect(await runDueAutoRelaunches(t.ctx)).toBe(1);
      t.clock.real();

      const [done] = (await b.api('GET', `/api/campaigns/${sb.campaignId}/auto-relaunch`)).body;
      const row = await t.ctx.store.db.selectFrom('campaigns').select(['workspace_id', 'status']).where('id', '=', done.relaunchCampaignId).executeTakeFirstOrThrow();
      expect(row).toEqual({ workspace_id: b.workspaceId, status: 'scheduled' });
      expect((await b.api('GET', `/api/campaigns/${done.relaunchCampaignId}`)).status).toBe(200);
      expect((await t.api('GET', `/api/campaigns/${done.relaunchCampaignId}`)).status).toBe(404);

      expect(await latest(b.api)).toMatchObject({
        actor: { type: 'system', id: null, name: 'Ricochet' },
        action: 'campaign.relaunch',
        objectId: done.relaunchCampaignId,
        details: { parentCampaignId: sb.campaignId, segment: 'inactive', filter: null, count: 2, sendAt: new Date(SENT_AT + 3 * DAY).toISOString() },
      });
      // Workspace A's log did not see it.
      expect(await latest()).toEqual(aBefore);
    });

    it('records a cancelled auto-relaunch', async () => {
      const auto = await b.api('POST', `/api/campaigns/${sb.campaignId}/auto-relaunch`, { afterDays: 30, segment: 'openers' });
      expect((await b.api('POST', `/api/campaigns/${sb.campaignId}/auto-relaunch/${auto.body.id}/cancel`)).status).toBe(200);
      expect(await latest(b.api)).toMatchObject({ action: 'autoRelaunch.cancel', objectId: sb.campaignId, details: { autoRelaunchId: auto.body.id } });
    });
  });
});
