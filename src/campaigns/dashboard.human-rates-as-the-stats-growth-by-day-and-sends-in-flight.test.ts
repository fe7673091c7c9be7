import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-30T15:00:00Z');

describeEachDatabase('the dashboard', (kind) => {
  const t = useTestApp(kind);
  let spring: number;
  let flash: number;
  let sending: number;

  beforeAll(async () => {
    t.clock.now = NOW;
    // Growth: two today, one 29 days ago (the window's first day), one just before the window, one erased, one unsubscribed.
    await addContact(t.ctx, { email: 'today1@example.test', createdAt: NOW - 3_600_000 });
    await addContact(t.ctx, { phone: '+33612345678', createdAt: NOW - 60_000 });
    await addContact(t.ctx, { email: 'first-day@example.test', createdAt: Date.parse('2030-06-01T00:00:00Z') });
    await addContact(t.ctx, { email: 'too-old@example.test', createdAt: Date.parse('2030-05-31T23:59:59Z') });
    await addContact(t.ctx, { email: 'erased@example.test', createdAt: NOW - DAY, erased: true });
    const left = await addContact(t.ctx, { email: 'left@example.test', createdAt: NOW - DAY });
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'unsubscribed', sms_status: 'unsubscribed' }).where('id', '=', left).execute();

    // A sent campaign where machines opened and clicked: the dashboard shows the human rates, as the stats do.
    spring = (await addCampaign(t.ctx, { name: 'Spring sale', sentAt: NOW - 2 * DAY })).id;
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await addContact(t.ctx, { email: `r${i}@example.test`, createdAt: NOW - 40 * DAY }));
    await addMessage(t.ctx, spring, people[0]!, { opens: 2, humanOpens: 1, clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, spring, people[1]!, { opens: 1, humanOpens: 0, clicks: 3, humanClicks: 0 });
    await addMessage(t.ctx, spring, people[2]!, { clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, spring, people[3]!);
    await addMessage(t.ctx, spring, people[4]!, { status: 'bounced' });
    flash = (await addCampaign(t.ctx, { channel: 'sms', name: 'Flash', sentAt: NOW - DAY })).id;
    await addMessage(t.ctx, flash, people[0]!, { clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, flash, people[1]!);
    const archived = (await addCampaign(t.ctx, { name: 'Put away', sentAt: NOW - 3 * DAY })).id;
    await t.ctx.store.db.updateTable('campaigns').set({ archived_at: NOW }).where('id', '=', archived).execute();
    await addCampaign(t.ctx, { name: 'Draft', sentAt: null });

    sending = (await addCampaign(t.ctx, { name: 'Going out', sentAt: NOW - 600_000 })).id;
    await t.ctx.store.db.updateTable('campaigns').set({ status: 'sending' }).where('id', '=', sending).execute();
    await addMessage(t.ctx, sending, people[0]!);
    await addMessage(t.ctx, sending, people[1]!, { status: 'queued' });
    await addMessage(t.ctx, sending, people[2]!, { status: 'queued' });

    // Another workspace's campaigns and contacts never show.
    const b = await addWorkspace(t);
    await addContact(b.ctx, { email: 'theirs@example.test', createdAt: NOW });
    await addCampaign(b.ctx, { name: 'Their sale', sentAt: NOW });
  });

  it('lists recent sends newest first with the human open and click rates of their stats, archived ones and drafts left out', async () => {
    const { body, status } = await (await apiAs(t, 'viewer'))('GET', '/api/dashboard');
    expect(status).toBe(200);
    expect(body.recent.map((c: any) => c.name)).toEqual(['Going out', 'Flash', 'Spring sale']);
    const row = body.recent.find((c: any) => c.id === spring);
    const stats = (await t.api('GET', `/api/campaigns/${spring}/stats`)).body;
    expect(row).toMatchObject({ received: stats.received, humanOpenRate: stats.humanRates.open, humanClickRate: stats.humanRates.click });
    expect([row.received, row.humanOpenRate, row.humanClickRate]).toEqual([4, 0.5, 0.5]);
    const sms = body.recent.find((c: any) => c.id === flash);
    expect([sms.channel, sms.humanOpenRate, sms.humanClickRate]).toEqual(['sms', null, 0.5]);
  });

  it('counts new subscribed contacts per UTC day over the last 30 days, today included', async () => {
    const { growth } = (await t.api('GET', '/api/dashboard')).body;
    expect(growth.since).toBe('2030-06-01T00:00:00.000Z');
    expect(growth.days).toHaveLength(30);
    expect(growth.days[0]).toEqual({ day: '2030-06-01', added: 1 });
    expect(growth.days[29]).toEqual({ day: '2030-06-30', added: 2 });
    expect(growth.days.filter((d: any) => d.added > 0)).toHaveLength(2);
    expect(growth.added).toBe(3);
    // 4 in the window or before it, and the 5 recipients: the erased and the unsubscribed are not counted.
    expect(growth.subscribed).toBe(9);
  });

  it('shows what is sending now with its progress', async () => {
    const { sendingNow } = (await t.api('GET', '/api/dashboard')).body;
    expect(sendingNow).toEqual([
      { id: sending, name: 'Going out', channel: 'email', status: 'sending', progress: expect.objectContaining({ total: 3, queued: 2, delivered: 1 }) },
    ]);
  });
});
