import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { sendQueued, smsCampaign } from '../../test/support/smsFixtures.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { createSmsOutboxChannel } from './sms/channel.js';
import { compileSmsCampaign } from './sms/compile.js';

describeEachDatabase('the outbox with email and SMS', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'https://go.shop.test', SMS_SEND_WINDOW: 'always' });
  let smsCampaignId: number;

  beforeAll(async () => {
    const { campaign } = await smsCampaign(
      t,
      [{ phone: '+33612345601' }, { phone: '+33612345602' }, { phone: '+33612345603' }],
      'Spring sale today: https://shop.test/spring',
    );
    smsCampaignId = campaign.id;
    await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), createSmsOutboxChannel(t.ctx.config));
    const list = (await t.api('POST', '/api/lists', { name: 'Mail' })).body.id;
    const email = (await t.api('POST', '/api/campaigns', { name: 'Newsletter', subject: 'Hello there', fromEmail: 'news@shop.test', html: '<p>Hi</p>', listIds: [list] })).body.id;
    expect((await t.api('POST', `/api/campaigns/${email}/test`, { emails: ['ada@example.test', 'boss@shop.test'] })).status).toBe(200);
  });

  it('lists SMS beside email, newest first, each with its kind, recipient, text and campaign', async () => {
    const { status, body } = await t.api('GET', '/api/outbox');
    expect(status).toBe(200);
    expect(body.total).toBe(5);
    expect(body.items.map((i: any) => i.kind)).toEqual(['email', 'email', 'sms', 'sms', 'sms']);
    const sms = body.items.filter((i: any) => i.kind === 'sms');
    expect(sms.map((i: any) => i.to).sort()).toEqual(['+33612345601', '+33612345602', '+33612345603']);
    expect(sms.every((i: any) => i.subject.startsWith('Spring sale today: https://go.shop.test/s/') && i.campaignId === smsCampaignId)).toBe(true);
    expect(body.items.filter((i: any) => i.kind === 'email').map((i: any) => i.campaignId)).toEqual([null, null]);
  });

  it('searches recipients and subjects in any case, and filters by campaign', async () => {
    const byPhone = (await t.api('GET', '/api/outbox?search=345602')).body;
    expect(byPhone.total).toBe(1);
    expect(byPhone.items[0].to).toBe('+33612345602');
    const bySubject = (await t.api('GET', '/api/outbox?search=HELLO%20THERE')).body;
    expect(bySubject.items.map((i: any) => i.to).sort()).toEqual(['ada@example.test', 'boss@shop.test']);
    const ofCampaign = (await t.api('GET', `/api/outbox?campaignId=${smsCampaignId}`)).body;
    expect(ofCampaign.total).toBe(3);
    expect(ofCampaign.items.every((i: any) => i.kind === 'sms')).toBe(true);
    expect((await t.api('GET', '/api/outbox?kind=email')).body.total).toBe(2);
  });

  it('pages beyond the first page: every copy exactly once, in order', async () => {
    const all = (await t.api('GET', '/api/outbox')).body.items.map((i: any) => i.name);
    const pages = [];
    for (let offset = 0; offset < 6; offset += 2) pages.push(...(await t.api('GET', `/api/outbox?limit=2&offset=${offset}`)).body.items.map((i: any) => i.name));
    expect(pages).toEqual(all);
  });

  it("answers another workspace's campaign as a missing one", async () => {
    const b = await addWorkspace(t);
    const other = await b.api('GET', `/api/outbox?campaignId=${smsCampaignId}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    expect((await b.api('GET', '/api/outbox')).body.total).toBe(0);
  });

  it('shows an SMS with its short link leading straight to its destination, and reading it records nothing', async () => {
    const before = await t.ctx.store.db.selectFrom('events').select('id').execute();
    const entry = (await t.api('GET', `/api/outbox?campaignId=${smsCampaignId}&limit=1`)).body.items[0];
    const shown = await t.api('GET', `/api/outbox/${entry.name}?format=json`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ kind: 'sms', to: entry.to, from: 'SHOP', html: null });
    expect(shown.body.text).toMatch(/^Spring sale today: https:\/\/shop\.test\/spring/);
    expect(shown.body.text).not.toContain('/s/');
    const raw = await fetch(`${t.baseUrl}/api/outbox/${entry.name}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toContain(`To: ${entry.to}\n`);
    expect(await t.ctx.store.db.selectFrom('events').select('id').execute()).toEqual(before);
    const clicks = await t.ctx.store.db.selectFrom('messages').select('clicks').where('campaign_id', '=', smsCampaignId).execute();
    expect(clicks.every((m) => Number(m.clicks) === 0)).toBe(true);
  });
});
