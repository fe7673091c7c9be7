import smpp from 'smpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSmppUrl } from '../../settings/smpp.js';
import { LinkDown, openSmppLink, type SmppLink } from './smpp-link.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('SMPP link against a real SMPP server', () => {
  let smsc: TestSmsc;
  let link: SmppLink | undefined;
  beforeAll(async () => {
    smsc = await startTestSmsc();
  });
  afterEach(async () => {
    await link?.close();
    link = undefined;
    smsc.answersEnquireLink = true;
  });
  afterAll(() => smsc.close());

  const open = (url: string) => (link = openSmppLink(parseSmppUrl(url), async () => smpp.ESME_ROK));
  const submit = (l: SmppLink) => l.request('submit_sm', { destination_addr: '33612345678', short_message: Buffer.from('hi') });

  it('reads window, keep-alive and timeout from SMPP_URL, and refuses nonsense', () => {
    expect(parseSmppUrl('smpp://shop%40x:p%3Ass@smsc.example:2776?window=50&enquire_link=15&timeout=5')).toMatchObject({
      host: 'smsc.example',
      port: 2776,
      systemId: 'shop@x',
      password: 'p:ss',
      window: 50,
      enquireLinkMs: 15_000,
      responseTimeoutMs: 5_000,
      bindWaitMs: 5_000,
    });
    expect(parseSmppUrl('smpp://a:b@h')).toMatchObject({ port: 2775, window: 10, enquireLinkMs: 30_000 });
    expect(() => parseSmppUrl('smpp://a:b@h?window=0')).toThrow('SMPP_URL: window must be a whole number from 1 to 1000');
  });

  it('keeps the link alive with enquire_link', async () => {
    const before = smsc.enquireLinks;
    const l = open(smsc.url('enquire_link=1'));
    expect((await submit(l)).command_status).toBe(smpp.ESME_ROK);
    await until('two enquire_link', () => smsc.enquireLinks >= before + 2);
  });

  it('rebuilds a link whose enquire_link goes unanswered', async () => {
    smsc.answersEnquireLink = false;
    const binds = smsc.binds;
    const l = open(smsc.url('enquire_link=1&timeout=1'));
    expect((await submit(l)).command_status).toBe(smpp.ESME_ROK);
    await until('a new bind', () => smsc.binds >= binds + 2);
    smsc.answersEnquireLink = true;
    expect((await submit(l)).command_status).toBe(smpp.ESME_ROK);
  });

  it('fails submits with the reason when the SMSC refuses the bind', async () => {
    const l = open(smsc.url('timeout=1').replace(':secret@', ':wrong@'));
    const failure = await submit(l).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LinkDown);
    expect((failure as Error).message).toBe('not bound to the SMSC (the SMSC refused the bind: ESME_RINVPASWD (0x0000000e))');
    await expect(submit(l)).rejects.toThrow('ESME_RINVPASWD');
  });
});
