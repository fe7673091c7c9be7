import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign } from '../../test/support/audienceScenario.js';
import { DAY, SENT_AT, useSpringSale } from '../../test/support/springSale.js';

describeEachDatabase('relaunch', (kind) => {
  const { t, s } = useSpringSale(kind);

  const relaunch = (body: object, campaignId = s.campaignId) => t.api('POST', `/api/campaigns/${campaignId}/actions/relaunch`, body);
  const audience = async (campaignId: number) =>
    s.names(
      (await t.ctx.store.db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', campaignId).execute()).map((r) => r.contact_id),
    );

  it('is named Copy D + <whole days since the send> - <audience>: <name>', async () => {
    t.clock.now = SENT_AT + 0.5 * DAY;
    const sameDay = await relaunch({ segment: 'openers' });
    expect(sameDay.status).toBe(201);
    expect(sameDay.body.campaign.name).toBe('Copy D + 0 - openers: Spring sale');
    expect(sameDay.body.count).toBe(5);

    t.clock.now = SENT_AT + 3 * DAY + 5 * 3_600_000;
    const filter = { field: 'contact.fields.city', op: 'eq', value: 'Paris' };
    const filtered = (await relaunch({ filter })).body.campaign;
    expect(filtered.name).toBe('Copy D + 3 - active view: Spring sale');
    // The filter is kept, for the campaign page to say it in words.
    expect(filtered.audienceFilter).toEqual(filter);
    expect((await relaunch({ segment: 'clickers', filter })).body.campaign.name).toBe('Copy D + 3 - active view: Spring sale');
    const all = await relaunch({});
    expect(all.body.campaign.name).toBe('Copy D + 3 - all: Spring sale');
    expect(all.body.count).toBe(8);
    t.clock.now = SENT_AT + 7 * DAY - 1;
    expect((await relaunch({ segment: 'inactive', human: true })).body.campaign.name).toBe('Copy D + 6 - inactive: Spring sale');
    t.clock.real();
  });

  it('copies the content into a draft linked to its parent, with overrides and a send time', async () => {
    const made = await relaunch({ segment: 'inactive', overrides: { subject: 'Did you miss it?' } });
    expect(made.body.campaign).toMatchObject({
      channel: 'email',
      status: 'draft',
      subject: 'Did you miss it?',
      fromEmail: 'shop@ricochet.test',
      fromName: 'The Shop',
      parentCampaignId: s.campaignId,
      audienceLabel: 'inactive',
      sentAt: null,
    });
    expect(made.body.campaign.html).toContain('https://shop.example/sale');
    const fetched = await t.api('GET', `/api/campaigns/${made.body.campaign.id}`);
    expect(fetched.body).toMatchObject({ parentCampaignId: s.campaignId, audienceLabel: 'inactive' });
    // Editable like any draft.
    const edited = await t.api('PATCH', `/api/campaigns/${made.body.campaign.id}`, { subject: 'Last chance' });
    expect(edited.status).toBe(200);
    expect(edited.body.subject).toBe('Last chance');

    const sendAt = new Date(Date.now() + 2 * DAY).toISOString();
    const scheduled = await relaunch({ segment: 'clickers', sendAt, overrides: { name: 'Clickers again' } });
    expect(scheduled.body.campaign).toMatchObject({ name: 'Clickers again', status: 'scheduled', scheduledAt: sendAt, audienceLabel: 'clickers' });
  });

  it('aims at a snapshot that later events do not change', async () => {
    const made = await relaunch({ segment: 'inactive' });
    expect(made.body.count).toBe(2);
    expect(await audience(made.body.campaign.id)).toEqual(['carol', 'frank']);
    // Carol opens the original afterwards: she leaves the inactive segment, not the relaunch.
    await t.ctx.store.db.updateTable('messages').set({ opens: 1, human_opens: 1, first_open_at: SENT_AT, last_open_at: SENT_AT }).where('contact_id', '=', s.ids.carol!).where('campaign_id', '=', s.campaignId).execute();
    const inactive = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?segment=inactive`);
    expect(s.names(inactive.body.items.map((r: any) => r.contactId))).toEqual(['frank']);
    expect(await audience(made.body.campaign.id)).toEqual(['carol', 'frank']);
  });

  it('loses its snapshot with it when the draft is deleted', async () => {
    const made = await relaunch({ segment: 'inactive' });
    expect((await audience(made.body.campaign.id)).length).toBeGreaterThan(0);
    expect((await t.api('DELETE', `/api/campaigns/${made.body.campaign.id}`)).status).toBe(204);
    expect(await audience(made.body.campaign.id)).toEqual([]);
  });

  it('skips at send time the contacts who unsubscribed or bounced since', async () => {
    const made = await relaunch({ segment: 'openers' });
    // Carol has opened since the previous test.
    expect(await audience(made.body.campaign.id)).toEqual(['alice', 'bob', 'carol', 'erin', 'ivy', 'jack']);
    expect((await t.api('PATCH', `/api/contacts/${s.ids.alice}`, { emailStatus: 'unsubscribed' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/contacts/${s.ids.erin}`, { emailStatus: 'bounced' })).status).toBe(200);
    const sent = await t.api('POST', `/api/campaigns/${made.body.campaign.id}/send`, {});
    expect(sent.status).toBe(200);
    const messages = await t.ctx.store.db
      .selectFrom('messages')
      .select(['contact_id', 'status', 'skip_reason'])
      .where('campaign_id', '=', made.body.campaign.id)
      .execute();
    const skipped = messages.filter((m) => m.status === 'skipped');
    expect(s.names(skipped.map((m) => m.contact_id))).toEqual(['alice', 'erin']);
    expect(skipped.map((m) => m.skip_reason).sort()).toEqual(['bounced', 'unsubscribed']);
    expect(s.names(messages.filter((m) => m.status !== 'skipped').map((m) => m.contact_id))).toEqual(['bob', 'carol', 'ivy', 'jack']);
  });

  it('refuses a campaign that has not been sent, and names a bad segment', async () => {
    const draft = await addCampaign(t.ctx, { sentAt: null });
    const refused = await relaunch({ segment: 'openers' }, draft.id);
    expect(refused.status).toBe(409);
    const bad = await relaunch({ segment: 'lurkers' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('$.segment');
    const before = await sql<{ n: number }>`select count(*) as n from campaigns`.execute(t.ctx.store.db);
    const badFilter = await relaunch({ filter: { field: 'opens', op: 'gte', value: -1 } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.path).toBe('$.filter.value');
    const after = await sql<{ n: number }>`select count(*) as n from campaigns`.execute(t.ctx.store.db);
    expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n));
  });
});
