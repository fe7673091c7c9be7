import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { describeEachDatabase } from '../../../test/support/databases.js';
import type { Channel, RenderedSms } from '../channel.js';
import { createSmsChannel } from './channel.js';
import { withPartsTable } from './parts.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

describeEachDatabase('SMS over SMPP: encoding and concatenation seen by the SMSC', (kind) => {
  let smsc: TestSmsc;
  let t: TestApp;
  let channel: Channel<RenderedSms>;
  beforeAll(async () => {
    smsc = await startTestSmsc();
    t = await startTestApp(kind, { SMPP_URL: smsc.url('window=4') });
    channel = createSmsChannel(t.ctx);
  });
  afterAll(async () => {
    await channel.close();
    await t.close();
    await smsc.close();
  });

  const sms = (messageId: number, text: string, from = 'SHOP'): RenderedSms => ({ kind: 'sms', workspaceId: 1, messageId, to: '+33612345678', from, text });

  it('sends a single GSM part with a receipt requested, from an alphanumeric sender', async () => {
    const outcome = await channel.send(sms(1, 'Hello @ home: 5€ [today] only!'));
    expect(outcome).toEqual({ status: 'sent', providerId: expect.any(String) });
    const part = smsc.accepted.at(-1)!;
    expect(part).toMatchObject({ to: '33612345678', from: 'SHOP', sourceTon: 5, dataCoding: 0, esmClass: 0, registeredDelivery: 1, udh: undefined });
    expect(part.text).toBe('Hello @ home: 5€ [today] only!');
    expect(outcome).toMatchObject({ providerId: part.messageId });
  });

  it('splits long GSM text in 153-septet parts that reassemble, an extension character never cut', async () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(200);
    const before = smsc.accepted.length;
    const outcome = await channel.send(sms(2, text, '+33700000000'));
    const parts = smsc.accepted.slice(before);
    expect(parts.map((p) => p.udh?.index)).toEqual([1, 2, 3]);
    expect(new Set(parts.map((p) => p.udh!.reference)).size).toBe(1);
    expect(parts.every((p) => p.udh!.count === 3 && p.esmClass === 0x40 && p.dataCoding === 0 && p.registeredDelivery === 1 && p.sourceTon === 1)).toBe(true);
    expect(parts[0]!.text).toBe('a'.repeat(152));
    expect(parts[1]!.text.startsWith('€')).toBe(true);
    const received = smsc.received().at(-1)!;
    expect(received).toMatchObject({ text, parts: 3, from: '33700000000' });
    expect(outcome).toEqual({ status: 'sent', providerId: parts[0]!.messageId });
    // Receipts for parts 2 and 3 will find their message through the parts table.
    const stored = await withPartsTable(t.ctx.store.db).selectFrom('sms_message_parts').selectAll().where('message_id', '=', 2).orderBy('part').execute();
    expect(stored).toEqual([
      { provider_id: parts[1]!.messageId, message_id: 2, part: 2 },
      { provider_id: parts[2]!.messageId, message_id: 2, part: 3 },
    ]);
  });

  it('sends UCS-2 in 67-unit parts without splitting an emoji, and they reassemble', async () => {
    // 66 code units, then an emoji (2 units) that would straddle the 67-unit boundary.
    const text = 'Привет '.repeat(9) + 'abc' + '😀 ' + 'скидка'.repeat(12);
    const before = smsc.accepted.length;
    await channel.send(sms(3, text));
    const parts = smsc.accepted.slice(before);
    expect(parts.every((p) => p.dataCoding === 8)).toBe(true);
    expect(parts[0]!.text).toBe('Привет '.repeat(9) + 'abc');
    expect(parts[1]!.text.startsWith('😀 ')).toBe(true);
    expect(parts.length).toBe(3);
    expect(smsc.received().at(-1)).toMatchObject({ text, parts: 3, dataCoding: 8 });
  });

  it('refuses permanently what the SMSC rejects, naming the status', async () => {
    smsc.onSubmit = () => 0x0b;
    try {
      expect(await channel.send(sms(4, 'hi'))).toEqual({ status: 'failed', reason: 'SMSC refused: ESME_RINVDSTADR (0x0000000b)' });
    } finally {
      smsc.onSubmit = () => 'accept';
    }
  });
});
