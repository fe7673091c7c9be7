import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';

/**
 * Issue 17: a test send to several addresses where one is mistyped and one is refused by
 * the relay reaches the good ones and names each bad one in plain words.
 */
describe('A test send with bad addresses among good ones', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let campaignId: number;

  beforeAll(async () => {
    sink = await startSmtpSink({ reject: (to) => to === 'gone@example.test' });
    t = await startTestApp('sqlite', { SMTP_URL: sink.url });
    const created = await t.api('POST', '/api/campaigns', { channel: 'email', name: 'Spring', subject: 'Spring is here', fromEmail: 'news@example.test', html: '<p>Hi</p>', listIds: [] });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('sends to the good addresses and names the mistyped and the refused one', async () => {
    const answer = await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['ada@example.test', 'bob@example', 'gone@example.test', 'Carol@Example.test'] });
    expect(answer.status).toBe(200);
    expect(answer.body.sent).toEqual(['ada@example.test', 'carol@example.test']);
    expect(answer.body.failed).toEqual([
      { email: 'bob@example', reason: 'this is not a valid email address' },
      { email: 'gone@example.test', reason: expect.stringMatching(/^the receiving mail server refused this address \(.*550/) },
    ]);
    await sink.waitFor(2);
    expect([...sink.received.keys()].sort()).toEqual(['ada@example.test', 'carol@example.test']);
    expect(sink.messages.every((m) => m.raw.toString().includes('Subject: [TEST] Spring is here'))).toBe(true);
  });

  it('answers 200 with every address named when none is valid, sending nothing', async () => {
    const before = sink.accepted;
    const answer = await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['nobody', 'also@bad'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sent: [], failed: [{ email: 'nobody', reason: 'this is not a valid email address' }, { email: 'also@bad', reason: 'this is not a valid email address' }] });
    expect(sink.accepted).toBe(before);
  });

  it("sends an A/B campaign's copy of the variant asked for, A by default", async () => {
    const created = await t.api('POST', '/api/campaigns', {
      channel: 'email', name: 'Split', subject: 'Base', fromEmail: 'news@example.test', html: '<p>Hi</p>', listIds: [],
      abTest: { variants: [{ key: 'A', subject: 'Subject A' }, { key: 'B', subject: 'Subject B' }], testPercent: 20, waitMinutes: 60 },
    });
    expect(created.status).toBe(201);
    const subjectOf = async (variant?: string) => {
      const before = sink.accepted;
      const answer = await t.api('POST', `/api/campaigns/${created.body.id}/test`, { emails: ['ada@example.test'], ...(variant && { variant }) });
      expect(answer.body.sent).toEqual(['ada@example.test']);
      await sink.waitFor(before + 1);
      return /Subject: (.*)/.exec(sink.messages.at(-1)!.raw.toString())![1]!.trim();
    };
    expect(await subjectOf()).toBe('[TEST] Subject A');
    expect(await subjectOf('B')).toBe('[TEST] Subject B');
    expect((await t.api('POST', `/api/campaigns/${created.body.id}/test`, { emails: ['ada@example.test'], variant: 'C' })).body.error.path).toBe('$.variant');
  });
});
