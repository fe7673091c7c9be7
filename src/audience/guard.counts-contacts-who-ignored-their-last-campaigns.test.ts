import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { addCampaign, addContact, addList, addMessage, type MessageSpec } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { rebuildStats } from '../tracking/counters.js';

/**
 * A hand-built history of three campaigns (SPEC §11): dormant for N means sent each of
 * one's last N campaigns (sent or delivered) without a human open or click in any.
 */
describeEachDatabase('the relaunch guard', (kind) => {
  const t = useTestApp(kind);
  const DAY = 86_400_000;
  const ids: Record<string, number> = {};
  const campaigns: number[] = [];
  let list: number;
  let draft: number;

  const guard = async (id: number, query = '') => {
    const response = await t.api('GET', `/api/campaigns/${id}/guard${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { total: number; dormant: number; lastN: number };
  };
  const human = (campaign: number, contact: string, set: { human_opens?: number; human_clicks?: number }) =>
    t.ctx.store.db.updateTable('messages').set(set).where('campaign_id', '=', campaign).where('contact_id', '=', ids[contact]!).execute();

  beforeAll(async () => {
    const { ctx } = t;
    list = await addList(ctx, 'Everyone');
    for (const name of ['dora', 'olive', 'mac', 'tess', 'nora', 'bea']) {
      ids[name] = await addContact(ctx, { email: `${name}@example.test`, firstName: name, listIds: [list], trackingConsent: name !== 'nora' });
    }
    // Per campaign, in the order they were sent: what each contact's message was.
    const history: Array<Record<string, MessageSpec | undefined>> = [
      { dora: {}, olive: {}, mac: { opens: 2 }, nora: {}, bea: {} },
      { dora: {}, olive: { opens: 1, humanOpens: 1 }, mac: { opens: 1, clicks: 3 }, tess: {}, nora: {}, bea: { status: 'bounced' } },
      { dora: {}, olive: {}, mac: { opens: 4 }, tess: {}, nora: {}, bea: {} },
    ];
    const start = Date.now() - 10 * DAY;
    for (const [i, messages] of history.entries()) {
      t.clock.now = start + i * DAY;
      const { id } = await addCampaign(ctx, { name: `Campaign ${i + 1}`, sentAt: t.clock.now });
      campaigns.push(id);
      for (const [name, spec] of Object.entries(messages)) await addMessage(ctx, id, ids[name]!, spec);
    }
    t.clock.real();
    draft = (await t.api('POST', '/api/campaigns', { name: 'Next', subject: 'News', fromEmail: 'shop@ricochet.test', html: '<p>Hello</p>', listIds: [list] })).body.id;

    // Another workspace's contact who ignored its own three campaigns, slipped into our list: never counted.
    const other = await addWorkspace(t);
    const stranger = await addContact(other.ctx, { email: 'stranger@example.test' });
    for (let i = 0; i < 3; i++) {
      const { id } = await addCampaign(other.ctx, { name: `Other ${i}` });
      await addMessage(other.ctx, id, stranger);
    }
    await t.ctx.store.db.insertInto('list_members').values({ list_id: list, contact_id: stranger, added_at: Date.now() }).execute();
  });

  it("counts a draft's audience: dormant for 3 are those who ignored three campaigns in a row, machine opens and clicks counting for nothing", async () => {
    expect(await guard(draft)).toEqual({ total: 6, dormant: 2, lastN: 3 });
    // Each of their last 2: tess (sent only 2) and bea (the bounced one was never received) join dora and mac.
    expect(await guard(draft, '?lastN=2')).toEqual({ total: 6, dormant: 4, lastN: 2 });
    // Olive opened the second, not the third.
    expect(await guard(draft, '?lastN=1')).toEqual({ total: 6, dormant: 5, lastN: 1 });
    expect(await guard(draft, '?lastN=4')).toEqual({ total: 6, dormant: 0, lastN: 4 });
  });

  it("counts a sent campaign's view", async () => {
    expect(await guard(campaigns[2]!)).toEqual({ total: 6, dormant: 2, lastN: 3 });
    // The views of the second campaign: mac's opens there were all machine-made.
    expect(await guard(campaigns[1]!, '?segment=all')).toEqual({ total: 6, dormant: 2, lastN: 3 });
    expect(await guard(campaigns[1]!, '?segment=openers')).toEqual({ total: 2, dormant: 1, lastN: 3 });
    expect(await guard(campaigns[1]!, '?segment=openers&human=true')).toEqual({ total: 1, dormant: 0, lastN: 3 });
  });

  it('follows a human open recorded later, and one relabelled machine', async () => {
    await human(campaigns[2]!, 'dora', { human_opens: 1 });
    expect(await guard(draft)).toMatchObject({ dormant: 1 });
    await human(campaigns[2]!, 'dora', { human_opens: 0 });
    await human(campaigns[1]!, 'olive', { human_opens: 0 });
    expect(await guard(draft)).toMatchObject({ dormant: 3 });
    await human(campaigns[1]!, 'olive', { human_opens: 1 });
    expect(await guard(draft)).toMatchObject({ dormant: 2 });
  });

  it('is rebuilt with the counters by rebuild-stats', async () => {
    await t.ctx.store.db.updateTable('contacts').set({ ignored_streak: 0 }).where('workspace_id', '=', t.ctx.workspaceId).execute();
    expect(await guard(draft)).toMatchObject({ dormant: 0 });
    await rebuildStats(t.ctx, campaigns[2]!);
    expect(await guard(draft)).toEqual({ total: 6, dormant: 2, lastN: 3 });
    expect(await guard(draft, '?lastN=1')).toEqual({ total: 6, dormant: 5, lastN: 1 });
  });

  it('refuses a lastN out of range with a 400 naming it', async () => {
    const response = await t.api('GET', `/api/campaigns/${draft}/guard?lastN=0`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('lastN');
  });

  it('leaves the dormant out of a send asked to, skipped as dormant, and says how many in the activity log', async () => {
    const id = (await t.api('POST', '/api/campaigns', { name: 'Guarded', subject: 'News', fromEmail: 'shop@ricochet.test', html: '<p>Hello</p>', listIds: [list] })).body.id;
    const sent = await t.api('POST', `/api/campaigns/${id}/send`, { excludeDormant: true });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.excludeDormant).toBe(3);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'status', 'skip_reason']).where('campaign_id', '=', id).orderBy('contact_id').execute();
    const skipped = messages.filter((m) => m.skip_reason === 'dormant').map((m) => m.contact_id);
    expect(skipped.sort()).toEqual([ids.dora, ids.mac].sort());
    expect(messages.filter((m) => m.status === 'queued')).toHaveLength(4);
    const entry = (await t.api('GET', '/api/audit')).body.items.find((e: any) => e.action === 'campaign.send' && e.objectId === id);
    expect(entry.details).toMatchObject({ audience: 6, excludeDormant: 3, dormantLeftOut: 2 });

    // Without it, nobody is left out; with lastN, that many.
    const plain = (await t.api('POST', '/api/campaigns', { name: 'Plain', subject: 'News', fromEmail: 'shop@ricochet.test', html: '<p>Hello</p>', listIds: [list] })).body.id;
    expect((await t.api('POST', `/api/campaigns/${plain}/send`, {})).body.excludeDormant).toBeNull();
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', plain).where('skip_reason', '=', 'dormant').execute()).toEqual([]);
    const two = (await t.api('POST', '/api/campaigns', { name: 'Two', subject: 'News', fromEmail: 'shop@ricochet.test', html: '<p>Hello</p>', listIds: [list] })).body.id;
    await t.api('POST', `/api/campaigns/${two}/send`, { excludeDormant: true, lastN: 2 });
    const leftOut = await t.ctx.store.db.selectFrom('messages').select('contact_id').where('campaign_id', '=', two).where('skip_reason', '=', 'dormant').execute();
    expect(leftOut.map((m) => m.contact_id).sort()).toEqual([ids.dora, ids.mac, ids.tess, ids.bea].sort());
  });

  it('leaves the dormant out of a relaunch snapshot asked to, and says how many', async () => {
    const made = await t.api('POST', `/api/campaigns/${campaigns[2]}/actions/relaunch`, { excludeDormant: true });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.count).toBe(4);
    const snapshot = await t.ctx.store.db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', made.body.campaign.id).execute();
    expect(snapshot.map((r) => r.contact_id).sort()).toEqual([ids.olive, ids.tess, ids.nora, ids.bea].sort());
    const entry = (await t.api('GET', '/api/audit')).body.items.find((e: any) => e.action === 'campaign.relaunch' && e.objectId === made.body.campaign.id);
    expect(entry.details).toMatchObject({ count: 4, excludeDormant: 3, dormantLeftOut: 2 });
    // The relaunch draft's own audience is its snapshot.
    expect(await guard(made.body.campaign.id)).toEqual({ total: 4, dormant: 0, lastN: 3 });
    expect((await t.api('POST', `/api/campaigns/${campaigns[2]}/actions/relaunch`, {})).body.count).toBe(6);
  });
});
