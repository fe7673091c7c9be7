import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { addCampaign, addContact, addList, addMessage } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

const design = { version: 1, rows: [{ columns: [{ blocks: [{ type: 'heading', text: 'Spring is here' }] }] }] };
const abTest = { variants: [{ key: 'A', subject: 'Spring sale' }, { key: 'B', subject: 'Our spring sale' }], testPercent: 20, criterion: 'humanClickRate', waitMinutes: 60 };

describeEachDatabase('duplicating and archiving campaigns', (kind) => {
  const t = useTestApp(kind);
  let editor: ApiCall;
  let viewer: ApiCall;
  let list: number;
  let sent: number;
  const audit = async () => (await t.api('GET', '/api/audit')).body.items as any[];
  const names = async (query = '') => ((await t.api('GET', `/api/campaigns${query}`)).body.items as any[]).map((c) => c.name);

  beforeAll(async () => {
    t.clock.now = Date.parse('2030-06-01T09:00:00Z');
    editor = await apiAs(t, 'editor');
    viewer = await apiAs(t, 'viewer');
    list = await addList(t.ctx, 'Customers');
    const parent = await addCampaign(t.ctx, { name: 'Spring sale' });
    // A sent relaunch that tested two subjects on a frozen audience and left out dormant contacts: everything a send leaves behind.
    sent = (await addCampaign(t.ctx, { name: 'Relaunch: Spring sale', links: [{ url: 'https://shop.example/sale' }] })).id;
    await t.ctx.store.db
      .updateTable('campaigns')
      .set({
        design: t.ctx.store.dialect.writeJson(design),
        ab_test: t.ctx.store.dialect.writeJson(abTest),
        list_ids: t.ctx.store.dialect.writeJson([list]),
        parent_campaign_id: parent.id,
        audience_label: 'openers',
        audience_snapshot: 1,
        ab_status: 'sent',
        ab_winner: 'B',
        exclude_dormant: 3,
        finished_at: t.ctx.now(),
      })
      .where('id', '=', sent)
      .execute();
    const ada = await addContact(t.ctx, { email: 'ada@example.test', listIds: [list] });
    await t.ctx.store.db.insertInto('campaign_audience').values({ campaign_id: sent, contact_id: ada }).execute();
    await addMessage(t.ctx, sent, ada, { opens: 1, humanOpens: 1 });
  });

  it('makes a draft "Copy of" with the content, design, A/B test and lists, never the frozen audience, parent, results or A/B outcome, and records it', async () => {
    const response = await editor('POST', `/api/campaigns/${sent}/duplicate`);
    expect(response.status).toBe(201);
    const copy = response.body;
    const original = (await t.api('GET', `/api/campaigns/${sent}`)).body;
    expect(copy).toMatchObject({
      name: 'Copy of Relaunch: Spring sale',
      status: 'draft',
      channel: 'email',
      subject: original.subject,
      fromEmail: original.fromEmail,
      fromName: original.fromName,
      html: original.html,
      design,
      abTest,
      listIds: [list],
      parentCampaignId: null,
      audienceLabel: null,
      sentAt: null,
      finishedAt: null,
      ab: null,
      excludeDormant: null,
      archivedAt: null,
    });
    expect(copy.id).not.toBe(sent);
    const row = await t.ctx.store.db.selectFrom('campaigns').select('audience_snapshot').where('id', '=', copy.id).executeTakeFirstOrThrow();
    expect(row.audience_snapshot).toBe(0);
    expect(await t.ctx.store.db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', copy.id).execute()).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', copy.id).execute()).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('links').select('id').where('campaign_id', '=', copy.id).execute()).toEqual([]);
    const stats = (await t.api('GET', `/api/campaigns/${copy.id}/stats`)).body;
    expect([stats.recipients, stats.opens.unique]).toEqual([0, 0]);
    // A draft copy can be edited and deleted like any draft.
    expect((await editor('PATCH', `/api/campaigns/${copy.id}`, { subject: 'Summer sale' })).body.subject).toBe('Summer sale');
    expect((await t.api('GET', `/api/campaigns/${sent}`)).body.subject).toBe(original.subject);
    const [entry] = await audit();
    expect(entry).toMatchObject({ action: 'campaign.duplicate', objectType: 'campaign', objectId: copy.id, details: { from: sent }, actor: { name: 'as editor' } });
    expect((await editor('DELETE', `/api/campaigns/${copy.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/campaigns/${copy.id}`)).status).toBe(404);
  });

  it('copies an SMS campaign with its text and sender, and a draft with no list', async () => {
    const sms = await addCampaign(t.ctx, { channel: 'sms', name: 'Flash', sentAt: null });
    const copy = (await t.api('POST', `/api/campaigns/${sms.id}/duplicate`)).body;
    expect(copy).toMatchObject({ name: 'Copy of Flash', channel: 'sms', status: 'draft', body: 'Spring sale -20%: https://shop.example/sale', senderId: 'SHOP', listIds: [], design: null, abTest: null });
  });

  it('archives only sent or cancelled campaigns, hides them from the list unless asked, and records archive and unarchive once each', async () => {
    const draft = (await t.api('POST', '/api/campaigns', { name: 'Still a draft', subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] })).body.id;
    const refused = await editor('POST', `/api/campaigns/${draft}/archive`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('draft');
    expect(await names()).toContain('Relaunch: Spring sale');

    const archived = await editor('POST', `/api/campaigns/${sent}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toBe('2030-06-01T09:00:00.000Z');
    expect((await editor('POST', `/api/campaigns/${sent}/archive`)).body.archivedAt).toBe('2030-06-01T09:00:00.000Z');
    expect(await names()).not.toContain('Relaunch: Spring sale');
    expect((await t.api('GET', '/api/campaigns')).body.total).toBe((await names()).length);
    expect(await names('?archived=true')).toContain('Relaunch: Spring sale');
    expect(await names('?archived=true')).toContain('Still a draft');
    // Its statistics stay readable.
    expect((await t.api('GET', `/api/campaigns/${sent}/stats`)).body.opens.unique).toBe(1);

    expect((await editor('POST', `/api/campaigns/${sent}/unarchive`)).body.archivedAt).toBeNull();
    expect(await names()).toContain('Relaunch: Spring sale');
    const actions = (await audit()).filter((e) => e.objectId === sent).map((e) => e.action);
    expect(actions).toEqual(['campaign.unarchive', 'campaign.archive']);
  });

  it('refuses the viewer (403) and answers 404 for a campaign of another workspace, changing nothing', async () => {
    for (const action of ['duplicate', 'archive', 'unarchive']) {
      const response = await viewer('POST', `/api/campaigns/${sent}/${action}`);
      expect(response.status, action).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    const b = await addWorkspace(t);
    const theirs = (await addCampaign(b.ctx, { name: 'Their sale' })).id;
    const missing = await t.api('POST', '/api/campaigns/999999/duplicate');
    for (const action of ['duplicate', 'archive', 'unarchive']) {
      const response = await t.api('POST', `/api/campaigns/${theirs}/${action}`);
      expect(response.status, action).toBe(404);
      expect(response.body).toEqual(missing.body);
    }
    expect((await b.api('GET', '/api/campaigns')).body.items.map((c: any) => [c.name, c.archivedAt])).toEqual([['Their sale', null]]);
    expect(await names('?archived=true')).not.toContain('Copy of Their sale');
  });
});
