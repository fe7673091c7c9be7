import { afterAll, beforeAll, expect, it } from 'vitest';
import smpp from 'smpp';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { Channel, RenderedSms } from '../channel.js';
import { createSmsChannel } from './channel.js';
import { compileSmsCampaign } from './compile.js';
import { isStopReply } from './deliveries.js';
import { sendQueued, smsCampaign } from '../../../test/support/smsFixtures.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';
import { createScenario } from '../../../test/support/trackingScenario.js';
import { addWorkspace } from '../../../test/support/workspaces.js';
import type { WorkspaceContext } from '../../context.js';

describeEachDatabase('SMS replies: STOP unsubscribes', (kind) => {
  let smsc: TestSmsc;
  let t: TestApp;
  let channel: Channel<RenderedSms>;
  beforeAll(async () => {
    smsc = await startTestSmsc();
    t = await startTestApp(kind, { SMPP_URL: smsc.url(), DEFAULT_COUNTRY: 'FR' });
    channel = createSmsChannel(t.ctx);
  });
  afterAll(async () => {
    await channel.close();
    await t.close();
    await smsc.close();
  });

  it('recognises STOP, ARRET and UNSUBSCRIBE in any case with spaces around, and nothing else', () => {
    for (const text of ['STOP', ' stop ', 'Stop.', 'ARRET', 'arrêt', 'Arrêt !', 'unsubscribe', '\tUNSUBSCRIBE\n']) expect(isStopReply(text), text).toBe(true);
    for (const text of ['', 'stop please', 'non-stop', 'STOPP', 'merci', 'stop stop']) expect(isStopReply(text), text).toBe(false);
  });

  it('unsubscribes the contact who replied and records the unsubscribe on the last SMS it received', async () => {
    const { campaign, contactIds } = await smsCampaign(t, [{ phone: '+33612345641' }, { phone: '+33612345642' }, { phone: '+33612345643' }], 'Promo du jour');
    await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), channel);

    expect(await smsc.reply('33612345641', '  Stop ')).toBe(smpp.ESME_ROK);
    // A national number, as some SMSCs send them, and the French word.
    expect(await smsc.reply('0612345642', 'ARRÊT', { international: false })).toBe(smpp.ESME_ROK);
    // Not a STOP word, and a number that is nobody's.
    expect(await smsc.reply('33612345643', 'Merci, à bientôt')).toBe(smpp.ESME_ROK);
    expect(await smsc.reply('33699999999', 'STOP')).toBe(smpp.ESME_ROK);
    // A second STOP changes nothing more.
    expect(await smsc.reply('33612345641', 'stop')).toBe(smpp.ESME_ROK);

    const statuses = await Promise.all(contactIds.map(async (id) => (await t.api('GET', `/api/contacts/${id}`)).body.smsStatus));
    expect(statuses).toEqual(['unsubscribed', 'unsubscribed', 'subscribed']);
    const messages = await t.ctx.store.db.selectFrom('messages').select(['id', 'unsubscribed_at']).where('campaign_id', '=', campaign.id).orderBy('id').execute();
    expect(messages.map((m) => m.unsubscribed_at !== null)).toEqual([true, true, false]);
    const events = await t.ctx.store.db.selectFrom('events').select(['message_id', 'type', 'reason']).where('campaign_id', '=', campaign.id).orderBy('id').execute();
    expect(events).toEqual([
      { message_id: messages[0]!.id, type: 'unsubscribe', reason: 'SMS reply "Stop"' },
      { message_id: messages[1]!.id, type: 'unsubscribe', reason: 'SMS reply "ARRÊT"' },
    ]);
  });

  it('unsubscribes a phone that is a contact of two workspaces only in the one whose SMS it answers', async () => {
    const b = await addWorkspace(t, 'Brand B');
    const now = t.ctx.now();
    const contactIn = async (ctx: WorkspaceContext, phone: string) =>
      (
        await ctx.store.db
          .insertInto('contacts')
          .values({ workspace_id: ctx.workspaceId, phone, fields: ctx.store.dialect.writeJson({}), created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const smsStatus = async (id: number) => (await t.ctx.store.db.selectFrom('contacts').select('sms_status').where('id', '=', id).executeTakeFirstOrThrow()).sms_status;

    // A texted this phone yesterday, B an hour ago: STOP answers B.
    const [inA, inB] = [await contactIn(t.ctx, '+33612345660'), await contactIn(b.ctx, '+33612345660')];
    const fromA = await createScenario(t.ctx, { channel: 'sms', contactIds: [inA], deliveredAt: now - 86_400_000 });
    const fromB = await createScenario(b.ctx, { channel: 'sms', contactIds: [inB], deliveredAt: now - 3_600_000 });
    expect(await smsc.reply('33612345660', 'STOP')).toBe(smpp.ESME_ROK);
    expect([await smsStatus(inA), await smsStatus(inB)]).toEqual(['subscribed', 'unsubscribed']);
    const unsubscribedAt = async (messageId: number) => (await t.ctx.store.db.selectFrom('messages').select('unsubscribed_at').where('id', '=', messageId).executeTakeFirstOrThrow()).unsubscribed_at;
    expect(await unsubscribedAt(fromA.messages[0]!.id)).toBeNull();
    expect(await unsubscribedAt(fromB.messages[0]!.id)).not.toBeNull();
    const events = await t.ctx.store.db.selectFrom('events').select(['campaign_id', 'type']).where('campaign_id', 'in', [fromA.campaignId, fromB.campaignId]).execute();
    expect(events).toEqual([{ campaign_id: fromB.campaignId, type: 'unsubscribe' }]);

    // A phone nobody ever texted asks for no SMS from anyone.
    const [neverA, neverB] = [await contactIn(t.ctx, '+33612345661'), await contactIn(b.ctx, '+33612345661')];
    expect(await smsc.reply('33612345661', 'ARRET')).toBe(smpp.ESME_ROK);
    expect([await smsStatus(neverA), await smsStatus(neverB)]).toEqual(['unsubscribed', 'unsubscribed']);
  });
});
