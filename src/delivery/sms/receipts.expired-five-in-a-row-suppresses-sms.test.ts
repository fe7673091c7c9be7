import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import { SOFT_BOUNCES_TO_SUPPRESS } from '../../tracking/bounces.js';
import type { Channel, RenderedSms } from '../channel.js';
import { createSmsChannel } from './channel.js';
import { compileSmsCampaign } from './compile.js';
import { sendQueued, smsCampaign } from '../../../test/support/smsFixtures.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

describeEachDatabase('SMS that expire undelivered, campaign after campaign', (kind) => {
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
