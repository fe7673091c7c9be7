import { generateKeyPairSync } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { signer, verifyToken } from '../tracking/tokens.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { startScheduler, type Scheduler } from './scheduler.js';

const PUBLIC_URL = 'https://go.shop.test';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dkimRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

const HTML = `<!doctype html><html><body>
<h1>Hello {{ contact.firstName | default: "there" }}</h1>
<p>Your city: {{ contact.fields.city }}</p>
<p><a href="https://shop.test/sale?utm=a&amp;b=1">Sale</a> <a href="https://shop.test/new">New</a> <a class="x" href="https://shop.test/sale?utm=a&amp;b=1">Sale again</a></p>
<p><a href="mailto:help@shop.test">Mail us</a> <a href="tel:+33123456789">Call</a> <a href="#top">Top</a>
<a href="https://shop.test/private" data-track="false">Untracked</a></p>
</body></html>`;

const tokenOf = (url: string, prefix: string) => {
  expect(url.startsWith(`${PUBLIC_URL}${prefix}`), url).toBe(true);
  return url.slice(`${PUBLIC_URL}${prefix}`.length);
};

const unsubscribeUrl = (mail: ParsedMail) => /^List-Unsubscribe: <([^>]+)>$/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line)![1]!;

describeEachDatabase('sending an email campaign', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;
  let campaignId: number;
  const mails = new Map<string, ParsedMail>();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, {
      SMTP_URL: `${sink.url}?pool=2`,
      PUBLIC_URL,
      DKIM_DOMAIN: 'shop.test',
      DKIM_SELECTOR: 'ricochet',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const customers = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
    const vip = (await t.api('POST', '/api/lists', { name: 'VIP' })).body.id;
    const contact = async (body: object) => (await t.api('POST', '/api/contacts', body)).body.id as number;
    await contact({ email: 'ada@example.test', firstName: 'Ada', fields: { city: 'Paris' }, listIds: [customers, vip] });
    await contact({ email: 'bob@example.test', firstName: '<b>Bob</b>', listIds: [customers] });
    await contact({ email: 'cy@example.test', listIds: [vip] });
    await contact({ email: 'anon@example.test', firstName: 'Anon', trackingConsent: false, listIds: [customers] });
    await contact({ email: 'gone@example.test', emailStatus: 'unsubscribed', listIds: [customers] });
    await contact({ email: 'dead@example.test', emailStatus: 'bounced', listIds: [customers] });
    await contact({ phone: '+33612345678', listIds: [customers] });
    const erased = await contact({ email: 'erased@example.test', listIds: [customers] });
    await contact({ email: 'outsider@example.test' });
    // Erasure removes list memberships; put the erased contact back to prove it is skipped, not sent.
    await t.api('DELETE', `/api/contacts/${erased}`);
    await t.ctx.store.db.insertInto('list_members').values({ list_id: customers, contact_id: erased, added_at: 0 }).execute();

    const created = await t.api('POST', '/api/campaigns', {
      name: 'Spring sale',
      subject: 'Spring sale for {{ contact.firstName | default: "you" }}',
      fromEmail: 'news@shop.test',
      fromName: 'Shop',
      preheader: 'Up to 50% off',
      html: HTML,
      listIds: [customers, vip],
    });
    campaignId = created.body.id;
    const sent = await t.api('POST', `/api/campaigns/${campaignId}/send`, {});
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sending');
    sender = startScheduler(t.ctx, { idleMs: 20 });
    for (let i = 0; i < 800 && (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    for (const message of sink.messages) mails.set(message.to, await simpleParser(message.raw));
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await sink?.close();
  });

  it('sends exactly one message to each subscribed recipient, and none to anyone else', async () => {
    expect(Object.fromEntries(sink.received)).toEqual({ 'ada@example.test': 1, 'bob@example.test': 1, 'cy@example.test': 1, 'anon@example.test': 1 });
    const campaign = (await t.api('GET', `/api/campaigns/${campaignId}`)).body;
    expect(campaign.status).toBe('sent');
    expect(campaign.finishedAt).not.toBeNull();
    const progress = (await t.api('GET', `/api/campaigns/${campaignId}/progress`)).body;
    expect(progress).toMatchObject({ total: 8, delivered: 4, skipped: 4, queued: 0, reclaimed: 0 });
    const skipped = await t.ctx.store.db
      .selectFrom('messages')
      .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
      .select(['contacts.email', 'contacts.phone', 'messages.skip_reason'])
      .where('messages.status', '=', 'skipped')
      .orderBy('messages.skip_reason')
      .execute();
    expect(skipped.map((s) => s.skip_reason)).toEqual(['bounced', 'erased', 'no_address', 'unsubscribed']);
    const delivered = await t.ctx.store.db.selectFrom('messages').selectAll().where('status', '=', 'delivered').execute();
    expect(delivered.every((m) => m.sent_at !== null && m.delivered_at !== null && m.provider_id?.startsWith('<ricochet.'))).toBe(true);
  });

  it('personalises subject and body, escaping contact data', () => {
    expect(mails.get('ada@example.test')!.subject).toBe('Spring sale for Ada');
    expect(mails.get('cy@example.test')!.subject).toBe('Spring sale for you');
    expect(mails.get('ada@example.test')!.html).toContain('Your city: Paris');
    const bob = mails.get('bob@example.test')!;
    expect(bob.html).toContain('Hello &lt;b&gt;Bob&lt;/b&gt;');
    expect(bob.html).not.toContain('<b>Bob</b>');
    expect(bob.text).toContain('Hello <b>Bob</b>');
    expect(bob.html).toContain('Up to 50% off');
  });

  it('rewrites each tracked link to a token of its own recipient, and leaves the others alone', async () => {
    const links = await t.ctx.store.db.selectFrom('links').selectAll().where('campaign_id', '=', campaignId).orderBy('position').execute();
    expect(links.map((l) => [l.position, l.url, l.kind])).toEqual([
      [1, 'https://shop.test/sale?utm=a&b=1', 'link'],
      [2, 'https://shop.test/new', 'link'],
      [3, `${PUBLIC_URL}/`, 'honeypot'],
    ]);
    const messageIds = new Map(
      (await t.ctx.store.db.selectFrom('messages').innerJoin('contacts', 'contacts.id', 'messages.contact_id').select(['contacts.email', 'messages.id']).execute()).map((r) => [r.email, r.id]),
    );
    const seen = new Set<string>();
    for (const [email, mail] of mails) {
      const html = mail.html as string;
      const anonymous = email === 'anon@example.test';
      const expectedSubject = anonymous ? campaignId : messageIds.get(email);
      const clicks = [...html.matchAll(/href="([^"]+\/t\/c\/[^"]+)"/g)].map((m) => m[1]!);
      expect(clicks).toHaveLength(4); // Sale, New, Sale again, the honeypot
      const claims = clicks.map((url) => verifyToken(t.ctx.secret, tokenOf(url, '/t/c/'))!);
      expect(claims.map((c) => [c.purpose, c.link, c.subjectId, c.anonymous])).toEqual(
        [3, 1, 2, 1].map((position) => ['click', position, expectedSubject, anonymous]),
      );
      if (!anonymous) for (const url of new Set(clicks)) {
        expect(seen.has(url), 'a tracked URL shared by two recipients').toBe(false);
        seen.add(url);
      }
      const pixel = /<img src="([^"]+\/t\/o\/[^"]+)"/.exec(html)![1]!;
      expect(verifyToken(t.ctx.secret, tokenOf(pixel, '/t/o/'))).toMatchObject({ purpose: 'open', anonymous, subjectId: expectedSubject });
      // The honeypot is an empty, hidden anchor right after <body>.
      expect(html).toMatch(/<body><div style="display:none[^"]*">Up to 50% off<\/div><a href="[^"]+" aria-hidden="true" tabindex="-1" style="display:none;[^"]*"><\/a>/);
      for (const untouched of ['mailto:help@shop.test', 'tel:+33123456789', '#top', 'https://shop.test/private']) expect(html).toContain(`href="${untouched}"`);
      // The text part carries the same tracked links.
      expect(mail.text).toContain(clicks[1]);
      expect(mail.text).toContain(clicks[2]);
    }
  });

  it('adds an unsubscribe footer and both List-Unsubscribe headers with the recipient’s own token', async () => {
    for (const [email, mail] of mails) {
      const url = unsubscribeUrl(mail);
      const claims = verifyToken(t.ctx.secret, tokenOf(url, '/u/'))!;
      const message = await t.ctx.store.db.selectFrom('messages').select('id').where('id', '=', claims.subjectId).executeTakeFirstOrThrow();
      expect(claims).toMatchObject({ purpose: 'unsubscribe', anonymous: false });
      expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')!.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(mail.html).toContain(`<a href="${url}" style="color:#6b7280">Unsubscribe</a>`);
      expect(mail.text).toContain(`Unsubscribe [${url}]`);
      const owner = await t.ctx.store.db.selectFrom('messages').innerJoin('contacts', 'contacts.id', 'messages.contact_id').select('contacts.email').where('messages.id', '=', message.id).executeTakeFirstOrThrow();
      expect(owner.email).toBe(email);
    }
  });

  it('signs with DKIM, verified by an independent verifier', async () => {
    for (const message of sink.messages) {
      const result = await dkimVerify(message.raw, {
        resolver: async (name: string, type: string) => {
          if (name === 'ricochet._domainkey.shop.test' && type === 'TXT') return [[dkimRecord]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      });
      expect(result.results.map((r) => [r.status.result, r.signingDomain])).toEqual([['pass', 'shop.test']]);
    }
  });

  it('shows the recipient their own email online', async () => {
    const mail = mails.get('ada@example.test')!;
    const url = unsubscribeUrl(mail);
    const messageId = verifyToken(t.ctx.secret, tokenOf(url, '/u/'))!.subjectId;
    const page = await fetch(`${t.baseUrl}/v/${signer(t.ctx.secret, messageId).token('view')}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Hello Ada');
    expect(html).toContain(url);
    const forged = await fetch(`${t.baseUrl}/v/${signer(t.ctx.secret, messageId).token('open')}`);
    expect(forged.status).toBe(404);
  });
});
