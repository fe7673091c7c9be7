import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { addContact, addList } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import type { WorkspaceContext } from '../context.js';
import { startDueCampaigns } from './sending.js';

describeEachDatabase('campaigns of another workspace', (kind) => {
  const t = useTestApp(kind);
  let b: { ctx: WorkspaceContext; api: ApiCall };
  let bList: number;
  let bContact: number;
  const ids = { draft: 0, scheduled: 0, paused: 0, sms: 0 };
  const email = (listIds: number[], name = 'Spring sale') => ({ name, subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds });

  beforeAll(async () => {
    t.clock.now = Date.parse('2030-05-01T09:00:00Z');
    b = await addWorkspace(t);
    bList = await addList(b.ctx, 'B customers');
    bContact = await addContact(b.ctx, { email: 'bea@b.test', phone: '+33612345678', listIds: [bList] });
    const create = async (body: object) => {
      const response = await b.api('POST', '/api/campaigns', body);
      expect(response.status).toBe(201);
      return response.body.id as number;
    };
    ids.draft = await create(email([bList], 'B draft'));
    ids.scheduled = await create(email([bList], 'B scheduled'));
    expect((await b.api('POST', `/api/campaigns/${ids.scheduled}/send`, { at: '2030-05-02T09:00:00Z' })).body.status).toBe('scheduled');
    ids.paused = await create(email([bList], 'B paused'));
    await b.api('POST', `/api/campaigns/${ids.paused}/send`, { at: '2030-05-02T09:00:00Z' });
    expect((await b.api('POST', `/api/campaigns/${ids.paused}/pause`)).body.status).toBe('paused');
    ids.sms = await create({ channel: 'sms', name: 'B flash', body: 'Sale today', senderId: 'BSHOP', listIds: [bList] });
  });

  it("answers 404 to A on every campaign route of B's campaigns, exactly as for a missing id, and changes nothing of B's", async () => {
    const missing = await t.api('GET', '/api/campaigns/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    // Each call would succeed for B: only the workspace can refuse it.
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/campaigns/${ids.draft}`],
      ['PATCH', `/api/campaigns/${ids.draft}`, { name: 'Taken over' }],
      ['POST', `/api/campaigns/${ids.draft}/test`, { emails: ['me@a.test'] }],
      ['GET', `/api/campaigns/${ids.draft}/progress`],
      ['GET', `/api/campaigns/${ids.sms}/sms-preview`],
      ['POST', `/api/campaigns/${ids.draft}/send`, {}],
      ['POST', `/api/campaigns/${ids.draft}/send`, { at: '2030-06-01T09:00:00Z' }],
      ['POST', `/api/campaigns/${ids.scheduled}/pause`],
      ['POST', `/api/campaigns/${ids.paused}/resume`],
      ['POST', `/api/campaigns/${ids.scheduled}/cancel`],
      ['DELETE', `/api/campaigns/${ids.draft}`],
    ];
    for (const [method, path, body] of calls) {
      const response = await t.api(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error, `${method} ${path}`).toEqual(missing.body.error);
    }
    expect((await t.api('GET', '/api/campaigns')).body).toMatchObject({ total: 0, items: [] });

    const mine = (await b.api('GET', '/api/campaigns')).body.items.map((c: any) => [c.name, c.status]);
    expect(mine).toEqual([
      ['B flash', 'draft'],
      ['B paused', 'paused'],
      ['B scheduled', 'scheduled'],
      ['B draft', 'draft'],
    ]);
    expect(await t.ctx.store.db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect((await b.api('GET', `/api/campaigns/${ids.sms}/sms-preview`)).status).toBe(200);
    expect((await b.api('GET', `/api/campaigns/${ids.draft}/progress`)).body.total).toBe(0);
  });

  it("refuses B's list as a missing one, on create and on edit", async () => {
    const refusal = async (call: Promise<{ status: number; body: any }>, id: number) => {
      const response = await call;
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ path: '$.listIds', message: `$.listIds names lists that do not exist: ${id}` });
    };
    await refusal(t.api('POST', '/api/campaigns', email([bList])), bList);
    await refusal(t.api('POST', '/api/campaigns', email([999_999])), 999_999);
    const aList = await addList(t.ctx, 'A customers');
    const created = await t.api('POST', '/api/campaigns', email([aList], 'A sale'));
    expect(created.status).toBe(201);
    await refusal(t.api('PATCH', `/api/campaigns/${created.body.id}`, { listIds: [aList, bList] }), bList);
    expect((await t.api('GET', `/api/campaigns/${created.body.id}`)).body.listIds).toEqual([aList]);
    expect((await t.api('GET', '/api/campaigns')).body.items.map((c: any) => c.name)).toEqual(['A sale']);
  });

  it("sends only to the workspace's own contacts, even when a list somehow holds another's", async () => {
    const aList = await addList(t.ctx, 'A mixed');
    const ada = await addContact(t.ctx, { email: 'ada@a.test', listIds: [aList] });
    // A row no route can write: the query must hold the workspaces apart by itself.
    await t.ctx.store.db.insertInto('list_members').values({ list_id: aList, contact_id: bContact, added_at: t.ctx.now() }).execute();
    const id = (await t.api('POST', '/api/campaigns', email([aList], 'A only'))).body.id;
    const sent = await t.api('POST', `/api/campaigns/${id}/send`, {});
    expect(sent.body.status).toBe('sending');
    const messages = await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'status']).where('campaign_id', '=', id).execute();
    expect(messages).toEqual([{ contact_id: ada, status: 'queued' }]);
    expect((await t.api('GET', `/api/campaigns/${id}/progress`)).body).toMatchObject({ total: 1, queued: 1 });
  });

  it("starts every workspace's due campaigns, each with its own workspace's contacts", async () => {
    t.clock.now = Date.parse('2030-05-02T09:00:01Z');
    expect(await startDueCampaigns(t.ctx)).toBe(1);
    expect((await b.api('GET', `/api/campaigns/${ids.scheduled}`)).body).toMatchObject({ status: 'sending', sentAt: '2030-05-02T09:00:01.000Z' });
    const messages = await t.ctx.store.db.selectFrom('messages').select('contact_id').where('campaign_id', '=', ids.scheduled).execute();
    expect(messages).toEqual([{ contact_id: bContact }]);
    // A scheduled start is not a person's action: the audit has B's schedule and pause only.
    const actions = await t.ctx.store.db.selectFrom('audit_log').select(['workspace_id', 'action', 'object_id']).orderBy('id').execute();
    expect(actions).toEqual([
      { workspace_id: b.ctx.workspaceId, action: 'campaign.schedule', object_id: ids.scheduled },
      { workspace_id: b.ctx.workspaceId, action: 'campaign.schedule', object_id: ids.paused },
      { workspace_id: b.ctx.workspaceId, action: 'campaign.pause', object_id: ids.paused },
      { workspace_id: t.ctx.workspaceId, action: 'campaign.send', object_id: expect.any(Number) },
    ]);
  });
});
