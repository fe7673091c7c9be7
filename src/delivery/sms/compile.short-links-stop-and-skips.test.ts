import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { RenderedSms } from '../channel.js';
import { compileSmsCampaign } from './compile.js';
import { queuedRecipients, smsCampaign } from '../../../test/support/smsFixtures.js';

const SHORT = /https:\/\/r\.test\/s\/([0-9A-Za-z]{8})\b/g;
const codesIn = (text: string) => [...text.matchAll(SHORT)].map((m) => m[1]!);

describeEachDatabase('SMS campaign compilation', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { PUBLIC_URL: 'https://r.test', SMS_STOP_TEXT: 'STOP au 36111' });
  });
  afterAll(() => t.close());

  it('gives each recipient its own short links, stores links once, appends STOP, skips contacts without a phone', async () => {
    const body = 'Hi {{ contact.firstName | default: "there" }}! Sale: https://shop.test/sale?a=1. Again https://shop.test/sale?a=1 and https://shop.test/b';
    const { campaign, contactIds } = await smsCampaign(
      t,
      [{ phone: '+33612345601', firstName: 'Zoé' }, { phone: '+33612345602' }, { phone: '+33612345603', trackingConsent: false }, { phone: '+33612345604', trackingConsent: false }, { email: 'nophone@example.test' }],
      body,
    );
    const compiled = await compileSmsCampaign(t.ctx, campaign);
    const recipients = await queuedRecipients(t.ctx, campaign.id);
    const rendered = await compiled.renderBatch(recipients);

    const [zoe, plain, anonymous1, anonymous2, nophone] = rendered as [RenderedSms, RenderedSms, RenderedSms, RenderedSms, { skip: string }];
    expect(nophone).toEqual({ skip: 'no_phone' });
    expect(zoe).toMatchObject({ kind: 'sms', messageId: recipients[0]!.messageId, to: '+33612345601', from: 'SHOP' });
    const [z1, z2, z3] = codesIn(zoe.text);
    expect(zoe.text).toBe(`Hi Zoé! Sale: https://r.test/s/${z1}. Again https://r.test/s/${z2} and https://r.test/s/${z3}\nSTOP au 36111`);
    expect(z1).toBe(z2);
    expect(z3).not.toBe(z1);
    expect(plain.text.startsWith('Hi there! Sale: https://r.test/s/')).toBe(true);

    const links = await t.ctx.store.db.selectFrom('links').select(['id', 'position', 'url']).where('campaign_id', '=', campaign.id).orderBy('position').execute();
    expect(links.map((l) => [l.position, l.url])).toEqual([[1, 'https://shop.test/sale?a=1'], [2, 'https://shop.test/b']]);
    const stored = await t.ctx.store.db.selectFrom('sms_short_links').selectAll().where('campaign_id', '=', campaign.id).execute();
    const byCode = new Map(stored.map((s) => [s.code, s]));
    expect(byCode.get(z1!)).toMatchObject({ message_id: recipients[0]!.messageId, link_id: links[0]!.id });
    expect(byCode.get(z3!)).toMatchObject({ message_id: recipients[0]!.messageId, link_id: links[1]!.id });

    // Unique per recipient and link: 2 links × 2 tracked recipients, plus one anonymous code per link.
    const tracked = [...codesIn(zoe.text), ...codesIn(plain.text)];
    expect(new Set(tracked).size).toBe(4);
    expect(stored).toHaveLength(6);
    // Contacts without tracking consent share the campaign's anonymous codes: clicks count, never per person.
    expect(codesIn(anonymous1.text)).toEqual(codesIn(anonymous2.text));
    for (const code of codesIn(anonymous1.text)) expect(byCode.get(code)!.message_id).toBeNull();

    // A batch rendered again (a retry) keeps its links; nothing new is stored.
    const again = (await compiled.renderBatch(recipients)) as RenderedSms[];
    expect(again[0]!.text).toBe(zoe.text);
    expect(await t.ctx.store.db.selectFrom('sms_short_links').select('code').where('campaign_id', '=', campaign.id).execute()).toHaveLength(6);
    // A second worker compiling the same campaign finds the same links and anonymous codes.
    const other = await compileSmsCampaign(t.ctx, campaign);
    expect(((await other.renderBatch([recipients[2]!])) as RenderedSms[])[0]!.text).toBe(anonymous1.text);
    expect(contactIds).toHaveLength(5);
  });

  it("redraws a recipient's code that another link already holds, and keeps the redrawn code when the batch is rendered again", async () => {
    const { campaign } = await smsCampaign(t, [{ phone: '+33612345621' }, { phone: '+33612345622' }], 'Vite : https://shop.test/vite');
    const compiled = await compileSmsCampaign(t.ctx, campaign);
    const recipients = await queuedRecipients(t.ctx, campaign.id);
    const [first] = (await compiled.renderBatch(recipients)) as RenderedSms[];
    const [code] = codesIn(first!.text);
    // The code the first recipient derives now points elsewhere (another message of the campaign), as after a clash.
    await t.ctx.store.db.updateTable('sms_short_links').set({ message_id: recipients[1]!.messageId }).where('code', '=', code!).execute();
    const [redrawn] = (await compiled.renderBatch(recipients)) as RenderedSms[];
    const [other] = codesIn(redrawn!.text);
    expect(other).not.toBe(code);
    const links = await t.ctx.store.db.selectFrom('sms_short_links').select(['code', 'message_id']).where('campaign_id', '=', campaign.id).where('message_id', 'is not', null).execute();
    expect(links.find((l) => l.code === other)?.message_id).toBe(recipients[0]!.messageId);
    // Rendered again: the redrawn code is found and kept, nothing more is stored.
    expect(((await compiled.renderBatch(recipients)) as RenderedSms[])[0]!.text).toBe(redrawn!.text);
    expect(await t.ctx.store.db.selectFrom('sms_short_links').select('code').where('campaign_id', '=', campaign.id).execute()).toHaveLength(links.length + 1);
  });

  it('does not add the STOP mention twice and skips numbers that are not E.164 or SMS that grew past the parts allowed', async () => {
    const { campaign } = await smsCampaign(t, [{ phone: '+33612345611' }], 'Soldes {{ contact.fields.bio }} — stop AU 36111');
    const compiled = await compileSmsCampaign(t.ctx, campaign);
    const [recipient] = await queuedRecipients(t.ctx, campaign.id);
    const [short] = (await compiled.renderBatch([recipient!])) as RenderedSms[];
    expect(short!.text).toBe('Soldes  — stop AU 36111');

    const long = { ...recipient!, fields: { bio: 'x'.repeat(300) } };
    expect(await compiled.renderBatch([long])).toEqual([{ skip: 'too_many_parts: the SMS would take 5 parts (323 ucs2 characters), over the maximum of 3' }]);
    expect(await compiled.renderBatch([{ ...recipient!, phone: '0612' }])).toEqual([{ skip: 'invalid_phone: 0612 is not a valid E.164 number' }]);
  });
});
