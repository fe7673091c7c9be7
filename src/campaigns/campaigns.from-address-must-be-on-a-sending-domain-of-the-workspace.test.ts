import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { addContact, addList } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addSendingDomain, addWorkspace } from '../../test/support/workspaces.js';
import type { WorkspaceContext } from '../context.js';
import { startDueCampaigns } from './sending.js';

describeEachDatabase("a campaign's From address and the workspace's sending domains", (kind) => {
  const t = useTestApp(kind);
  let b: { ctx: WorkspaceContext; api: ApiCall };
  let list: number;
  /** Written before the workspace had any domain: allowed then. */
  const before = { draft: 0, scheduled: 0 };
  const email = (fromEmail: string, name = 'Sale') => ({ name, subject: 'Hi', fromEmail, html: '<p>Hi</p>', listIds: [list] });
  const refusedFrom = (response: { status: number; body: any }, address: string) => {
    expect(response.status).toBe(400);
    expect(response.body.error.path).toBe('$.fromEmail');
    expect(response.body.error.message).toMatch(new RegExp(`^${address.replace(/\./g, '\\.')} is not on a sending domain of this workspace \\(`));
    expect(response.body.error.message).toContain('shop.test');
    expect(response.body.error.message).toContain('brand.test');
  };

  beforeAll(async () => {
    t.clock.now = Date.parse('2030-07-01T09:00:00Z');
    b = await addWorkspace(t);
    list = await addList(t.ctx, 'Customers');
    await addContact(t.ctx, { email: 'ada@example.test', listIds: [list] });
    before.draft = (await t.api('POST', '/api/campaigns', email('old@elsewhere.test', 'Old draft'))).body.id;
    before.scheduled = (await t.api('POST', '/api/campaigns', email('late@elsewhere.test', 'Old schedule'))).body.id;
    expect((await t.api('POST', `/api/campaigns/${before.scheduled}/send`, { at: '2030-07-01T12:00:00Z' })).body.status).toBe('scheduled');
    await addSendingDomain(t.ctx, 'shop.test', 'ricochet1');
    await addSendingDomain(t.ctx, 'brand.test', 'ricochet2');
  });

  it("refuses a From outside the workspace's domains on create and on edit, naming the address and the domains", async () => {
    refusedFrom(await t.api('POST', '/api/campaigns', email('news@elsewhere.test')), 'news@elsewhere.test');
    const created = await t.api('POST', '/api/campaigns', email('News@Shop.test'));
    expect(created.status).toBe(201);
    expect(created.body.fromEmail).toBe('news@shop.test');
    refusedFrom(await t.api('PATCH', `/api/campaigns/${created.body.id}`, { fromEmail: 'news@elsewhere.test' }), 'news@elsewhere.test');
    expect((await t.api('PATCH', `/api/campaigns/${created.body.id}`, { fromEmail: 'hello@brand.test' })).body.fromEmail).toBe('hello@brand.test');
    // An SMS campaign has no From address.
    expect((await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash', body: 'Sale', senderId: 'SHOP', listIds: [list] })).status).toBe(201);
  });

  it("leaves another workspace's From addresses to its own domains", async () => {
    expect((await b.api('POST', '/api/campaigns', { ...email('news@elsewhere.test'), listIds: [] })).status).toBe(201);
    await addSendingDomain(b.ctx, 'b.test', 'b1');
    const refused = await b.api('POST', '/api/campaigns', { ...email('news@shop.test'), listIds: [] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('news@shop.test is not on a sending domain of this workspace (b.test)');
  });

  it('checks again at send and at a test send: a campaign written before the domains were added is refused, nothing sent', async () => {
    expect((await t.api('PATCH', `/api/campaigns/${before.draft}`, { name: 'Old draft, renamed' })).status).toBe(200);
    refusedFrom(await t.api('POST', `/api/campaigns/${before.draft}/send`, {}), 'old@elsewhere.test');
    refusedFrom(await t.api('POST', `/api/campaigns/${before.draft}/send`, { at: '2030-07-02T09:00:00Z' }), 'old@elsewhere.test');
    refusedFrom(await t.api('POST', `/api/campaigns/${before.draft}/test`, { emails: ['me@shop.test'] }), 'old@elsewhere.test');
    expect((await t.api('GET', `/api/campaigns/${before.draft}`)).body).toMatchObject({ status: 'draft', scheduledAt: null });
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', before.draft).execute()).toEqual([]);
    expect((await t.api('GET', '/api/audit')).body.items.filter((e: any) => e.objectId === before.draft)).toEqual([]);

    expect((await t.api('PATCH', `/api/campaigns/${before.draft}`, { fromEmail: 'old@shop.test' })).status).toBe(200);
    expect((await t.api('POST', `/api/campaigns/${before.draft}/send`, {})).body.status).toBe('sending');
  });

  it("signs a test copy with the key of its From address's domain", async () => {
    const id = (await t.api('POST', '/api/campaigns', email('news@brand.test', 'Signed'))).body.id;
    expect((await t.api('POST', `/api/campaigns/${id}/test`, { emails: ['me@shop.test'] })).body).toEqual({ sent: ['me@shop.test'], failed: [] });
    const dir = join(t.ctx.config.dataDir, 'outbox');
    const copies = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).filter((raw) => raw.includes('From: news@brand.test'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^Subject: \[TEST\] Hi/m);
    const signature = /^DKIM-Signature: (.*(?:\r?\n[ \t].*)*)/m.exec(copies[0]!)?.[1];
    expect(signature).toMatch(/\bd=brand\.test;/);
    expect(signature).toMatch(/\bs=ricochet2;/);
  });

  it('puts a scheduled campaign whose From is no longer allowed back to draft when it is due, saying why', async () => {
    t.clock.now = Date.parse('2030-07-01T12:00:01Z');
    expect(await startDueCampaigns(t.ctx)).toBe(0);
    const held = (await t.api('GET', `/api/campaigns/${before.scheduled}`)).body;
    expect(held).toMatchObject({ status: 'draft', scheduledAt: null, sentAt: null });
    expect(held.statusReason).toMatch(/^Not sent: late@elsewhere\.test is not on a sending domain of this workspace \(/);
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', before.scheduled).execute()).toEqual([]);

    expect((await t.api('PATCH', `/api/campaigns/${before.scheduled}`, { fromEmail: 'late@shop.test' })).status).toBe(200);
    expect((await t.api('POST', `/api/campaigns/${before.scheduled}/send`, {})).body).toMatchObject({ status: 'sending', statusReason: null });
  });
});
