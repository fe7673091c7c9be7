import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { Channel, RenderedSms } from '../channel.js';
import { createSmsChannel } from './channel.js';
import { loadClaimed } from '../queue.js';
import { compileSmsCampaign } from './compile.js';
import { sendQueued, smsCampaign } from '../../../test/support/smsFixtures.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

describeEachDatabase('SMS receipts saying the number does not exist', (kind) => {
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
});
