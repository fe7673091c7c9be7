import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, openBrowser, type Browser } from '../../test/e2e/browser.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase, type DatabaseKind } from '../../test/support/databases.js';
import { signer } from '../tracking/tokens.js';

const HTML =
  '<html><body><p>Hello {{ contact.firstName }}</p><a id="site" href="{{ contact.fields.website }}">site</a>' +
  '<form action="/api/session" method="post"><button>go</button></form>' +
  "<script>document.body.setAttribute('data-script-ran', 'yes')</script></body></html>";

/** An app with one email campaign queued for one contact whose website is a javascript: URL; returns its view-online URL. */
async function appWithQueuedMessage(kind: DatabaseKind): Promise<{ t: TestApp; viewUrl: string; campaignId: number }> {
  const t = await startTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
  const list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
  await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', fields: { website: 'javascript:alert(1)' }, listIds: [list] });
  const campaignId = (await t.api('POST', '/api/campaigns', { name: 'Launch', subject: 'Hi', fromEmail: 'news@shop.test', html: HTML, listIds: [list] })).body.id;
  expect((await t.api('POST', `/api/campaigns/${campaignId}/send`, {})).status).toBe(200);
  const message = await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', campaignId).executeTakeFirstOrThrow();
  return { t, viewUrl: `${t.baseUrl}/v/${signer(t.ctx.secret, message.id).token('view')}`, campaignId };
}

function expectMessagePolicy(headers: Headers) {
  const policy = headers.get('content-security-policy') ?? '';
  const directives = policy.split(';').map((d) => d.trim());
  expect(directives[0]).toMatch(/^sandbox\b/);
  expect(directives[0]).not.toMatch(/allow-scripts|allow-same-origin|allow-forms|allow-top-navigation/);
  for (const directive of ["default-src 'none'", "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) expect(directives).toContain(directive);
  expect(policy).not.toMatch(/script-src/);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describeEachDatabase('campaign HTML served to a browser', (kind) => {
  let t: TestApp;
  let viewUrl: string;
  let campaignId: number;
  beforeAll(async () => {
    ({ t, viewUrl, campaignId } = await appWithQueuedMessage(kind));
  });
  afterAll(() => t?.close());

  it('the view-online page comes sandboxed, with no script, form or framing allowed, and without the javascript: link', async () => {
    const page = await fetch(viewUrl);
    expect(page.status).toBe(200);
    expectMessagePolicy(page.headers);
    const html = await page.text();
    expect(html).toContain('<p>Hello Ada</p><a id="site" href="#">site</a>');
    const missing = await fetch(`${t.baseUrl}/v/nope`);
    expect(missing.status).toBe(404);
    expectMessagePolicy(missing.headers);
  });

  it('a message of the outbox, raw or as JSON, comes with the same policy; the raw one as a download', async () => {
    expect((await t.api('POST', `/api/campaigns/${campaignId}/test`, { emails: ['ada@example.test'] })).status).toBe(200);
    const [entry] = (await t.api('GET', '/api/outbox')).body.items;
    const raw = await t.api('GET', `/api/outbox/${entry.name}`);
    expect(raw.status).toBe(200);
    expectMessagePolicy(raw.headers);
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="${entry.name}"`);
    const json = await t.api('GET', `/api/outbox/${entry.name}?format=json`);
    expectMessagePolicy(json.headers);
    expect(json.body.html).toContain('<a id="site" href="#">site</a>');
  });
});

describeInBrowser('the view-online page in Chromium', () => {
  let t: TestApp;
  let viewUrl: string;
  let browser: Browser;
  beforeAll(async () => {
    ({ t, viewUrl } = await appWithQueuedMessage('sqlite'));
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("runs none of the template's scripts and has an origin of its own", async () => {
    const { page } = browser;
    await page.goto(viewUrl);
    await page.getByText('Hello Ada').waitFor();
    expect(await page.evaluate(() => document.body.getAttribute('data-script-ran'))).toBeNull();
    expect(await page.evaluate(() => window.origin)).toBe('null');
  });
});
