import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import type { Design } from '../designs/schema.js';
import { startScheduler, type Scheduler } from '../scheduler/scheduler.js';

const PUBLIC_URL = 'https://go.shop.test';

const DESIGN: Design = {
  version: 1,
  rows: [
    { columns: [{ blocks: [{ type: 'heading', text: 'Hello {{ contact.firstName | default: "there" }}' }] }] },
    {
      columns: [
        { blocks: [{ type: 'text', html: '<p>Read <a href="https://shop.test/journal">the journal</a>.</p>' }] },
        { blocks: [{ type: 'image', src: 'https://cdn.shop.test/linen.png', alt: 'Linen', href: 'https://shop.test/linen' }, { type: 'button', label: 'Shop the sale', href: 'https://shop.test/sale' }] },
      ],
    },
    { columns: [{ blocks: [{ type: 'footer', text: 'Shop · 1 Harbour Street' }] }] },
  ],
};

/** The tracked links of a delivered HTML body, by the text or image they wrap. */
const hrefs = (html: string) => [...html.matchAll(/<a\s[^>]*?href="([^"]+)"[^>]*>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describeEachDatabase('a designed campaign, sent for real', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;
  let campaignId: number;
  const mails = new Map<string, ParsedMail>();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url, PUBLIC_URL });
    const list = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', listIds: [list] });
    await t.api('POST', '/api/contacts', { email: 'cy@example.test', listIds: [list] });
    const created = await t.api('POST', '/api/campaigns', { name: 'Linen week', subject: 'Linen week', fromEmail: 'news@shop.test', design: DESIGN, listIds: [list] });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    expect((await t.api('POST', `/api/campaigns/${campaignId}/send`, {})).status).toBe(200);
    sender = startScheduler(t.ctx, { idleMs: 20 });
    for (let i = 0; i < 800 && (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 25));
    for (const message of sink.messages) mails.set(message.to, await simpleParser(message.raw));
  });
  afterAll(async () => {
    await sender?.stop();
    await t?.close();
    await sink?.close();
  });

  it('delivers the compiled design, personalised, with every link tracked, the pixel and the unsubscribe link', async () => {
    expect([...mails.keys()].sort()).toEqual(['ada@example.test', 'cy@example.test']);
    const ada = mails.get('ada@example.test')!.html as string;
    expect(ada).toContain('Hello Ada');
    expect(mails.get('cy@example.test')!.html).toContain('Hello there');
    // Laid out by the designer's compiler: responsive columns.
    expect(ada).toMatch(/@media only screen and \(min-width:480px\)/);

    const links = hrefs(ada);
    const tracked = links.filter((href) => href.startsWith(`${PUBLIC_URL}/t/c/`));
    // The journal, the image's link and the button (the honeypot link is tracked too, but kept out of sight).
    expect(tracked.length).toBeGreaterThanOrEqual(3);
    for (const url of ['https://shop.test/journal', 'https://shop.test/linen', 'https://shop.test/sale']) expect(links).not.toContain(url);
    const stored = await t.ctx.store.db.selectFrom('links').select(['url', 'kind']).where('campaign_id', '=', campaignId).where('kind', '=', 'link').orderBy('position').execute();
    expect(stored.map((l) => l.url)).toEqual(['https://shop.test/journal', 'https://shop.test/linen', 'https://shop.test/sale']);

    expect(ada).toMatch(new RegExp(`<img[^>]+src="${PUBLIC_URL}/t/o/[^"]+"`));
    expect(links.some((href) => href.startsWith(`${PUBLIC_URL}/u/`))).toBe(true);
    expect(ada).toContain('Shop · 1 Harbour Street');
    expect(ada).not.toContain('{{');
    expect(mails.get('ada@example.test')!.text).toContain('Hello Ada');
  });

  it('follows the button: its tracked link leads to the address in the design', async () => {
    const ada = mails.get('ada@example.test')!.html as string;
    const button = /<a\s[^>]*?href="([^"]+)"[^>]*>\s*Shop the sale/.exec(ada)![1]!;
    expect(button.startsWith(`${PUBLIC_URL}/t/c/`)).toBe(true);
    const response = await fetch(t.baseUrl + button.slice(PUBLIC_URL.length), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.test/sale');
  });

  it('relaunches with the design, to be edited in the designer again', async () => {
    const original = (await t.api('GET', `/api/campaigns/${campaignId}`)).body;
    const relaunched = await t.api('POST', `/api/campaigns/${campaignId}/actions/relaunch`, {});
    expect(relaunched.status).toBe(201);
    expect(relaunched.body.count).toBe(2);
    expect(relaunched.body.campaign).toMatchObject({ status: 'draft', parentCampaignId: campaignId, design: DESIGN, html: original.html });
    const copy = relaunched.body.campaign.id;
    expect((await t.api('GET', `/api/campaigns/${copy}`)).body.design).toEqual(DESIGN);

    const edited = await t.api('PATCH', `/api/campaigns/${copy}`, { design: { ...DESIGN, rows: DESIGN.rows.slice(1) } });
    expect(edited.status).toBe(200);
    expect(edited.body.html).not.toContain('Hello {{');
    expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body.design).toEqual(DESIGN);
  });
});
