import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { Channel, RenderedSms } from '../channel.js';
import { SOFT_BOUNCES_TO_SUPPRESS } from '../../tracking/bounces.js';
import { loadClaimed } from '../queue.js';
import { createSmsChannel } from './channel.js';
import { compileSmsCampaign } from './compile.js';
import { sendQueued, smsCampaign } from '../../../test/support/smsFixtures.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

describeEachDatabase('SMS delivery receipts', (kind) => {
  let smsc: TestSmsc;
  let t: TestApp;
  let channel: Channel<RenderedSms>;
  beforeAll(async () => {
    smsc = await startTestSmsc();
    t = await startTestApp(kind, { SMPP_URL: smsc.url() });
    channel = createSmsChannel(t.ctx);
  });
  afterAll(async () => {
    await channel.close();
    await t.close();
    await smsc.close();
  });

  const messages = (campaignId: number) =>
    t.ctx.store.db
      .selectFrom('messages')
      .select(['id', 'status', 'provider_id', 'delivered_at', 'bounce_type', 'bounce_reason'])
      .where('campaign_id', '=', campaignId)
      .orderBy('id')
      .execute();
  const events = (campaignId: number) =>
    t.ctx.store.db.selectFrom('events').select(['message_id', 'type', 'reason']).where('campaign_id', '=', campaignId).orderBy('id').execute();

  it('marks messages received or bounced by what the receipt says, for any part of a concatenated SMS', async () => {
    const { campaign } = await smsCampaign(
      t,
      [{ phone: '+33612345621' }, { phone: '+33612345622' }, { phone: '+33612345623' }, { phone: '+33612345624', firstName: 'L'.repeat(200) }],
      'Hello {{ contact.firstName }}',
    );
    await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);
    const sent = await messages(campaign.id);
    expect(sent.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    const long = smsc.received().find((r) => r.to === '33612345624')!;
    expect(long.parts).toBe(2);
    expect(sent[3]!.provider_id).toBe(long.ids[0]);

    expect(await smsc.receipt(sent[0]!.provider_id!, 'DELIVRD')).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[1]!.provider_id!, 'UNDELIV', { error: '001', withTlvs: false })).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[2]!.provider_id!, 'EXPIRED')).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(long.ids[1]!, 'DELIVRD')).toBe(smpp.ESME_ROK);
    // Not final, and a duplicate: answered, nothing changes.
    expect(await smsc.receipt(sent[2]!.provider_id!, 'ENROUTE')).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[0]!.provider_id!, 'DELIVRD')).toBe(smpp.ESME_ROK);

    const after = await messages(campaign.id);
    expect(after.map((m) => [m.status, m.bounce_type, m.bounce_reason])).toEqual([
      ['delivered', null, null],
      ['bounced', 'hard', 'UNDELIV err:001'],
      ['bounced', 'soft', 'EXPIRED err:000'],
      ['delivered', null, null],
    ]);
    expect(after[0]!.delivered_at).toBeGreaterThan(0);
    expect(after[1]!.delivered_at).toBeNull();
    expect(await events(campaign.id)).toEqual([
      { message_id: after[0]!.id, type: 'delivered', reason: null },
      { message_id: after[1]!.id, type: 'bounce', reason: 'hard: UNDELIV err:001' },
      { message_id: after[2]!.id, type: 'bounce', reason: 'soft: EXPIRED err:000' },
      { message_id: after[3]!.id, type: 'delivered', reason: null },
    ]);
  });

  it('applies a receipt that arrives before the sender recorded the message, answering only once it is committed', async () => {
    const { campaign } = await smsCampaign(t, [{ phone: '+33612345631' }, { phone: '+33612345632' }], 'Quick one');
    const answers: Array<Promise<number>> = [];
    // The SMSC answers submit_sm and sends the receipt at once, before Ricochet has written "sent".
    smsc.afterAccept = (part) => answers.push(smsc.receipt(part.messageId, 'DELIVRD'));
    try {
      await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);
    } finally {
      smsc.afterAccept = () => {};
    }
    expect(await Promise.all(answers)).toEqual([smpp.ESME_ROK, smpp.ESME_ROK]);
    expect((await messages(campaign.id)).map((m) => m.status)).toEqual(['delivered', 'delivered']);
    expect((await events(campaign.id)).map((e) => e.type)).toEqual(['delivered', 'delivered']);
  });

  const statuses = (ids: number[]) =>
    t.ctx.store.db.selectFrom('contacts').select(['id', 'email_status', 'sms_status']).where('id', 'in', ids).orderBy('id').execute();

  it('suppresses SMS to a number the network does not know, and to no one for other failures', async () => {
    const { campaign, contactIds } = await smsCampaign(
      t,
      [
        { phone: '+33612345701', email: 'unknown@example.test' },
        { phone: '+33612345702' },
        { phone: '+33612345703' },
        { phone: '+33612345704' },
        { phone: '+33612345705' },
      ],
      'Flash sale',
    );
    await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);
    const sent = await t.ctx.store.db.selectFrom('messages').select(['id', 'provider_id']).where('campaign_id', '=', campaign.id).orderBy('id').execute();

    // 001: unknown subscriber (unknown in the HLR); 009: illegal subscriber; in the receipt's text only, or with TLVs.
    expect(await smsc.receipt(sent[0]!.provider_id!, 'UNDELIV', { error: '001', withTlvs: false })).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[1]!.provider_id!, 'REJECTD', { error: '009' })).toBe(smpp.ESME_ROK);
    // Failures that say nothing about the number: absent subscriber (phone off), a rejection without a reason, expiry.
    expect(await smsc.receipt(sent[2]!.provider_id!, 'UNDELIV', { error: '060' })).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[3]!.provider_id!, 'REJECTD', { error: '000' })).toBe(smpp.ESME_ROK);
    expect(await smsc.receipt(sent[4]!.provider_id!, 'EXPIRED', { error: '001' })).toBe(smpp.ESME_ROK);

    expect((await statuses(contactIds)).map((c) => [c.email_status, c.sms_status])).toEqual([
      ['subscribed', 'bounced'],
      ['subscribed', 'bounced'],
      ['subscribed', 'subscribed'],
      ['subscribed', 'subscribed'],
      ['subscribed', 'subscribed'],
    ]);

    // The sender skips the suppressed numbers in the next campaign.
    const next = await smsCampaign(t, [], 'Second sale');
    const queued = await t.ctx.store.db
      .insertInto('messages')
      .values(contactIds.map((contact_id) => ({ campaign_id: next.campaign.id, contact_id })))
      .returning('id')
      .execute();
    const claimed = await loadClaimed(t.ctx, queued.map((m) => m.id), 'sms');
    expect(claimed.map((m) => m.ineligible)).toEqual(['bounced', 'bounced', null, null, null]);
  });

  it('suppress SMS to the contact at the fifth soft bounce in a row, as soft bounces reported by webhook do', async () => {
    const first = await smsCampaign(t, [{ phone: '+33612345801' }], 'Sale 1');
    const contactId = first.contactIds[0]!;
    const smsStatus = async () => (await t.ctx.store.db.selectFrom('contacts').select('sms_status').where('id', '=', contactId).executeTakeFirstOrThrow()).sms_status;
    for (let i = 1; i <= SOFT_BOUNCES_TO_SUPPRESS; i++) {
      const { campaign } = i === 1 ? first : await smsCampaign(t, [], `Sale ${i}`);
      if (i > 1) await t.ctx.store.db.insertInto('messages').values({ campaign_id: campaign.id, contact_id: contactId }).execute();
      await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);
      const sent = await t.ctx.store.db.selectFrom('messages').select('provider_id').where('campaign_id', '=', campaign.id).executeTakeFirstOrThrow();
      expect(await smsc.receipt(sent.provider_id!, 'EXPIRED')).toBe(smpp.ESME_ROK);
      expect(await smsStatus(), `after ${i}`).toBe(i < SOFT_BOUNCES_TO_SUPPRESS ? 'subscribed' : 'bounced');
    }
  });
});
