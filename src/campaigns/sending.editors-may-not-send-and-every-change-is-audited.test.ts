import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { addContact, addList } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import { createApiKey } from '../auth/apiKeys.js';

describeEachDatabase('who may send a campaign, and the audit of each change', (kind) => {
  const t = useTestApp(kind);
  let admin: ApiCall;
  let adminKey: { id: number; name: string };
  let editor: ApiCall;
  let viewer: ApiCall;
  let list: number;
  const draft = (name: string) => ({ name, subject: 'Hi', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] });
  const statusOf = async (id: number) => (await admin('GET', `/api/campaigns/${id}`)).body.status;
  const audit = async () => (await admin('GET', '/api/audit')).body.items as any[];

  beforeAll(async () => {
    t.clock.now = Date.parse('2030-06-01T09:00:00Z');
    const created = await createApiKey(t.ctx.store, 'Release bot', { workspaceId: t.ctx.workspaceId, role: 'admin' });
    adminKey = { id: created.id, name: 'Release bot' };
    admin = t.apiWith(created.key);
    editor = await apiAs(t, 'editor');
    viewer = await apiAs(t, 'viewer');
    list = await addList(t.ctx, 'Customers');
    for (const email of ['ada@example.test', 'bob@example.test', 'cy@example.test']) await addContact(t.ctx, { email, listIds: [list] });
  });

  it('lets an editor create, edit, test and read a campaign, but answers 403 forbidden to each sending action and changes nothing', async () => {
    const created = await editor('POST', '/api/campaigns', draft('By the editor'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await editor('PATCH', `/api/campaigns/${id}`, { subject: 'Edited' })).body.subject).toBe('Edited');
    expect((await editor('POST', `/api/campaigns/${id}/test`, { emails: ['me@shop.test'] })).body).toEqual({ sent: ['me@shop.test'], failed: [] });
    expect((await editor('GET', `/api/campaigns/${id}`)).status).toBe(200);
    expect((await editor('GET', `/api/campaigns/${id}/progress`)).status).toBe(200);

    for (const body of [{}, { at: '2030-06-02T09:00:00Z' }]) {
      const send = await editor('POST', `/api/campaigns/${id}/send`, body);
      expect(send.status).toBe(403);
      expect(send.body.error.code).toBe('forbidden');
    }
    // Each action refused while the campaign is in a state where it would be allowed.
    expect((await admin('POST', `/api/campaigns/${id}/send`, { at: '2030-06-02T09:00:00Z' })).body.status).toBe('scheduled');
    for (const action of ['pause', 'cancel']) expect((await editor('POST', `/api/campaigns/${id}/${action}`)).body.error.code).toBe('forbidden');
    expect((await admin('POST', `/api/campaigns/${id}/pause`)).body.status).toBe('paused');
    expect((await editor('POST', `/api/campaigns/${id}/resume`)).status).toBe(403);
    expect(await statusOf(id)).toBe('paused');
    expect((await audit()).map((e) => e.actor.name)).not.toContain('as editor');
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', id).execute()).toEqual([]);
  });

  it('lets a viewer read campaigns and nothing more', async () => {
    const id = (await admin('POST', '/api/campaigns', draft('Read only'))).body.id;
    expect((await viewer('GET', '/api/campaigns')).status).toBe(200);
    expect((await viewer('GET', `/api/campaigns/${id}`)).status).toBe(200);
    expect((await viewer('GET', `/api/campaigns/${id}/progress`)).status).toBe(200);
    const refused: Array<[string, string, unknown?]> = [
      ['POST', '/api/campaigns', draft('Not mine')],
      ['PATCH', `/api/campaigns/${id}`, { name: 'Renamed' }],
      ['POST', `/api/campaigns/${id}/test`, { emails: ['me@shop.test'] }],
      ['DELETE', `/api/campaigns/${id}`],
      ['POST', `/api/campaigns/${id}/send`, {}],
    ];
    for (const [method, path, body] of refused) {
      const response = await viewer(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code, `${method} ${path}`).toBe('forbidden');
    }
    expect((await admin('GET', `/api/campaigns/${id}`)).body).toMatchObject({ name: 'Read only', status: 'draft' });
  });

  it('records schedule, pause, resume, send and cancel with the key that did them, newest first, and nothing for a refused one', async () => {
    const later = (await admin('POST', '/api/campaigns', draft('Later'))).body.id;
    const now = (await admin('POST', '/api/campaigns', draft('Now'))).body.id;
    const before = (await audit()).length;

    expect((await admin('POST', `/api/campaigns/${later}/send`, { at: '2030-06-03T10:00:00+02:00' })).status).toBe(200);
    expect((await admin('POST', `/api/campaigns/${later}/pause`)).status).toBe(200);
    expect((await admin('POST', `/api/campaigns/${later}/resume`)).status).toBe(200);
    expect((await admin('POST', `/api/campaigns/${later}/cancel`)).status).toBe(200);
    expect((await admin('POST', `/api/campaigns/${now}/send`, {})).body.status).toBe('sending');
    // Refused (409): no entry.
    expect((await admin('POST', `/api/campaigns/${later}/resume`)).status).toBe(409);
    expect((await admin('POST', `/api/campaigns/${now}/send`, {})).status).toBe(409);

    const all = await audit();
    const entries = all.slice(0, all.length - before);
    const actor = { type: 'apikey', id: adminKey.id, name: adminKey.name };
    expect(entries).toEqual([
      expect.objectContaining({ action: 'campaign.send', actor, objectType: 'campaign', objectId: now, details: { audience: 3 } }),
      expect.objectContaining({ action: 'campaign.cancel', actor, objectId: later, details: { from: 'scheduled', to: 'cancelled' } }),
      expect.objectContaining({ action: 'campaign.resume', actor, objectId: later, details: { from: 'paused', to: 'scheduled' } }),
      expect.objectContaining({ action: 'campaign.pause', actor, objectId: later, details: { from: 'scheduled', to: 'paused' } }),
      expect.objectContaining({ action: 'campaign.schedule', actor, objectId: later, details: { at: '2030-06-03T08:00:00.000Z' } }),
    ]);
    expect(entries[0].at).toBe('2030-06-01T09:00:00.000Z');
  });

  it("keeps each workspace's entries to itself", async () => {
    const b = await addWorkspace(t);
    const bList = await addList(b.ctx, 'B');
    await addContact(b.ctx, { email: 'bea@b.test', listIds: [bList] });
    const id = (await b.api('POST', '/api/campaigns', { ...draft('B sale'), listIds: [bList] })).body.id;
    const mine = (await audit()).length;
    expect((await b.api('POST', `/api/campaigns/${id}/send`, {})).status).toBe(200);
    expect((await b.api('GET', '/api/audit')).body.items).toEqual([expect.objectContaining({ action: 'campaign.send', objectId: id, details: { audience: 1 } })]);
    expect((await audit()).length).toBe(mine);
  });
});
