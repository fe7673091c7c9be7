import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { Channel, RenderedSms } from '../channel.js';
import { createSmsChannel } from './channel.js';
import { compileSmsCampaign } from './compile.js';
import { sendQueued, smsCampaign } from '../../../test/support/smsFixtures.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

describeEachDatabase('SMS over SMPP: throttling and a dropped connection', (kind) => {
  let smsc: TestSmsc;
  let t: TestApp;
  let channel: Channel<RenderedSms>;
  beforeAll(async () => {
    smsc = await startTestSmsc();
    t = await startTestApp(kind, { SMPP_URL: smsc.url('window=5') });
    channel = createSmsChannel(t.ctx);
  });
  afterAll(async () => {
    await channel.close();
    await t.close();
    await smsc.close();
  });

  it('sends every SMS exactly once, concatenated parts included', async () => {
    const contacts = Array.from({ length: 120 }, (_, i) => ({ phone: `+33612346${String(i).padStart(3, '0')}`, firstName: i % 4 === 0 ? 'N'.repeat(170) : `Ana${i}` }));
    const { campaign } = await smsCampaign(t, contacts, 'Bonjour {{ contact.firstName }}, -20% today');
    const throttled: number[] = [];
    smsc.onSubmit = (part, n) => {
      if (n === 45 || n === 110) return 'drop';
      if (n % 7 === 3 || n === 60) {
        throttled.push(part.udh?.index ?? 1);
        return n === 60 ? smpp.ESME_RMSGQFUL : smpp.ESME_RTHROTTLED;
      }
      return 'accept';
    };
    const rounds = await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);

    expect(rounds).toBeGreaterThan(1);
    expect(smsc.binds).toBeGreaterThanOrEqual(3);
    // Throttling hit first parts (the sender retried the message) and later parts (the channel retried the part).
    expect(throttled.some((index) => index === 1)).toBe(true);
    expect(throttled.some((index) => index > 1)).toBe(true);

    const received = smsc.received();
    expect(received).toHaveLength(120);
    expect(new Set(received.map((r) => r.to)).size).toBe(120);
    expect(received.filter((r) => r.parts === 2)).toHaveLength(30);
    // No part twice: the SMSC kept exactly the parts of 120 SMS.
    expect(smsc.accepted).toHaveLength(150);
    for (const [i, contact] of contacts.entries()) {
      const sms = received.find((r) => r.to === contact.phone.slice(1))!;
      expect(sms.text, `contact ${i}`).toBe(`Bonjour ${contact.firstName}, -20% today\nSTOP au 36111`);
    }
    const messages = await t.ctx.store.db.selectFrom('messages').select(['status', 'provider_id']).where('campaign_id', '=', campaign.id).execute();
    expect(messages.every((m) => m.status === 'sent')).toBe(true);
    expect(new Set(messages.map((m) => m.provider_id)).size).toBe(120);
  });
});
