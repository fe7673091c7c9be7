import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';

/** messages.contact_state follows the contact (migration 004's triggers), whoever changes it. */
describeEachDatabase('contact state in views', (kind) => {
  const t = useTestApp(kind);

  it('hides the behaviour of a contact who withdraws tracking consent, and shows it again if given back', async () => {
    const { id: campaignId } = await addCampaign(t.ctx);
    const contact = await addContact(t.ctx, { email: 'consent@ricochet.test' });
    await addMessage(t.ctx, campaignId, contact, { opens: 2, humanOpens: 2, firstOpenAt: t.ctx.now(), lastOpenAt: t.ctx.now() });
    const openers = async () => (await t.api('GET', `/api/campaigns/${campaignId}/recipients?segment=openers`)).body.total;
    const row = async () => (await t.api('GET', `/api/campaigns/${campaignId}/recipients`)).body.items[0];
    expect(await openers()).toBe(1);

    expect((await t.api('PATCH', `/api/contacts/${contact}`, { trackingConsent: false })).status).toBe(200);
    expect(await openers()).toBe(0);
    expect(await row()).toMatchObject({ opened: false, opens: 0, firstOpenAt: null, trackingConsent: false });
    expect((await t.api('GET', `/api/campaigns/${campaignId}/recipients/summary`)).body).toEqual({ total: 1, segments: { openers: 0, clickers: 0, active: 0, inactive: 1 } });

    await t.api('PATCH', `/api/contacts/${contact}`, { trackingConsent: true });
    expect(await openers()).toBe(1);
    expect(await row()).toMatchObject({ opened: true, opens: 2, trackingConsent: true });
  });

  it('takes an erased contact out of every view and action', async () => {
    const { id: campaignId } = await addCampaign(t.ctx);
    const kept = await addContact(t.ctx, { email: 'kept@ricochet.test' });
    const erased = await addContact(t.ctx, { email: 'erased@ricochet.test' });
    await addMessage(t.ctx, campaignId, kept, { opens: 1 });
    await addMessage(t.ctx, campaignId, erased, { opens: 1 });
    expect((await t.api('DELETE', `/api/contacts/${erased}`)).status).toBe(204);
    const all = await t.api('GET', `/api/campaigns/${campaignId}/recipients`);
    expect(all.body.items.map((r: any) => r.contactId)).toEqual([kept]);
    const list = await t.api('POST', `/api/campaigns/${campaignId}/actions/create-list`, { segment: 'openers' });
    expect(list.body).toMatchObject({ count: 1, list: { size: 1 } });
  });

  it('marks the messages of a contact without consent when the sender materialises the audience', async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body.id;
    const yes = (await t.api('POST', '/api/contacts', { email: 'yes@ricochet.test', listIds: [list] })).body.id;
    const no = (await t.api('POST', '/api/contacts', { email: 'no@ricochet.test', trackingConsent: false, listIds: [list] })).body.id;
    const campaign = await t.api('POST', '/api/campaigns', { channel: 'email', name: 'News', subject: 'News', fromEmail: 'news@ricochet.test', html: '<p>Hi</p>', listIds: [list] });
    expect(campaign.status).toBe(201);
    expect((await t.api('POST', `/api/campaigns/${campaign.body.id}/send`, {})).status).toBe(200);
    const states = await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'contact_state']).where('campaign_id', '=', campaign.body.id).orderBy('contact_id').execute();
    expect(states).toEqual([
      { contact_id: yes, contact_state: 0 },
      { contact_id: no, contact_state: 1 },
    ]);
  });
});
