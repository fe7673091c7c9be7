import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser as Chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM, describeInBrowser, openBrowser, SCREENSHOTS, type Browser } from './browser.js';

/** The outbox's emails (DATA_DIR/outbox), parsed, oldest first. */
async function outbox(t: TestApp): Promise<{ to: string; subject: string; html: string }[]> {
  const dir = join(t.ctx.config.dataDir, 'outbox');
  const files = readdirSync(dir).filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(readFileSync(join(dir, file)));
      return { to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''), subject: mail.subject ?? '', html: typeof mail.html === 'string' ? mail.html : '' };
    }),
  );
}

/**
 * Issue 15's journey: an owner creates a double opt-in form in the Forms page; visitors (each
 * in a browser of their own) sign up on the hosted page; the confirmation email lands in the
 * outbox; a link scanner's GET confirms nobody, the visitor's Confirm does; the next campaign
 * reaches the confirmed visitor and skips the one who never confirmed, with reason `pending`.
 */
describeInBrowser('A visitor signs up on a form, confirms and gets the next campaign, in Chromium', () => {
  let t: TestApp;
  let sender: Scheduler;
  let owner: Browser;
  let ownerPage: Page;
  let visitors: Chromium;
  let vera: BrowserContext;
  let listId: number;
  let formId: number;
  let hostedUrl: string;
  let confirmUrl: string;
  const CONSENT = 'I agree to receive the Spring Shop newsletter. I can unsubscribe at any time.';
  const contactOf = async (email: string) => (await t.api('GET', `/api/contacts?search=${encodeURIComponent(email)}`)).body.items[0];
  const visitorShot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `forms-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    // The form's address and the confirmation link point at this very server, whose port is known only now.
    t.ctx.config.publicUrl = t.baseUrl;
    sender = startScheduler(t.ctx, { idleMs: 20 });
    listId = (await t.api('POST', '/api/lists', { name: 'Newsletter', publicName: 'Weekly news', onPreferences: true })).body.id;
    // The owner's browser, and another one whose contexts are the visitors' (one each, nothing shared).
    [owner, visitors] = await Promise.all([openBrowser(), chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })]);
    ownerPage = owner.page;
    ownerPage.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await visitors?.close();
    await owner?.close();
    await sender?.stop();
    await t?.close();
  });

  it('lets the owner create a double opt-in form in the Forms page, previewed without counting a view', async () => {
    const { password } = await createUser(t.ctx.store, 'owner@example.test', Date.now());
    await ownerPage.goto(`${t.baseUrl}/login`);
    await ownerPage.getByLabel('Email').fill('owner@example.test');
    await ownerPage.getByLabel('Password').fill(password);
    await ownerPage.getByRole('button', { name: 'Sign in' }).click();
    await ownerPage.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forms' }).click();
    await ownerPage.getByRole('heading', { name: 'Forms' }).waitFor();
    await ownerPage.getByText('No form yet').waitFor();
    await ownerPage.getByRole('link', { name: 'Create form' }).click();
    await ownerPage.getByRole('textbox', { name: 'Form name' }).fill('Spring newsletter');
    await ownerPage.getByRole('textbox', { name: 'Lists' }).click();
    await ownerPage.getByRole('option', { name: 'Newsletter (Weekly news)' }).click();
    await ownerPage.keyboard.press('Escape');
    await ownerPage.getByLabel('Ask for First name').check();
    await ownerPage.getByRole('textbox', { name: 'Consent text' }).fill(CONSENT);
    expect(await ownerPage.getByRole('switch', { name: 'Double opt-in' }).isChecked()).toBe(true);
    await ownerPage.getByRole('button', { name: 'Create form' }).click();
    await ownerPage.waitForURL(/\/forms\/\d+$/);
    formId = Number(/\/forms\/(\d+)$/.exec(ownerPage.url())![1]);
    await ownerPage.getByRole('heading', { name: 'Spring newsletter' }).waitFor();

    // The preview is the hosted page itself, sandboxed: no script runs and nothing can be posted from it.
    const preview = ownerPage.frameLocator('iframe[title="Form preview"]');
    await preview.getByRole('heading', { name: 'Spring newsletter' }).waitFor();
    await preview.getByLabel('First name').waitFor();
    await preview.getByText(CONSENT).waitFor();
    expect(await ownerPage.locator('iframe[title="Form preview"]').getAttribute('sandbox')).toBe('');
    hostedUrl = (await ownerPage.getByLabel('Hosted page link', { exact: true }).textContent())!.trim();
    expect(hostedUrl).toMatch(new RegExp(`^${t.baseUrl}/f/[a-z0-9-]+$`));

    // Copy embed code puts the very snippet the API gives on the clipboard.
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await ownerPage.getByRole('button', { name: 'Copy embed code' }).click();
    await ownerPage.getByRole('button', { name: 'Copied' }).waitFor();
    const form = (await t.api('GET', `/api/forms/${formId}`)).body;
    expect(await ownerPage.evaluate(() => navigator.clipboard.readText())).toBe(form.embedHtml);
    expect(form).toMatchObject({
      name: 'Spring newsletter',
      url: hostedUrl,
      listIds: [listId],
      fields: [{ name: 'firstName', required: false }],
      doubleOptIn: true,
      consentText: CONSENT,
      stats: { views: 0, signups: 0, confirmations: 0 },
    });
    await owner.screenshot('forms-created');

  });

  it('lets a visitor sign up on the hosted page, and sends the confirmation email to the outbox', async () => {
    vera = await visitors.newContext({ viewport: { width: 390, height: 844 } });
    const page = await vera.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(hostedUrl);
    await page.getByRole('heading', { name: 'Spring newsletter' }).waitFor();
    await page.getByLabel('Email').fill('vera@example.test');
    await page.getByLabel('First name').fill('Vera');
    await page.getByLabel(CONSENT).check();
    await visitorShot(page, 'hosted-form-filled');
    // A person takes seconds to fill a form (bots post at once): the app's clock says so.
    t.clock.advance(5_000);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Please check your inbox').waitFor();
    t.clock.real();
    await visitorShot(page, 'thank-you');

    const contact = await contactOf('vera@example.test');
    expect(contact).toMatchObject({ email: 'vera@example.test', firstName: 'Vera', emailStatus: 'pending' });
    const mail = (await outbox(t)).find((m) => m.to.includes('vera@example.test'));
    expect(mail?.subject).toBe('Please confirm your subscription to Spring newsletter');
    confirmUrl = new RegExp(`${t.baseUrl}/c/[\\w.-]+`).exec(mail!.html)![0];

    // Another visitor signs up and never confirms.
    const late = await (await visitors.newContext()).newPage();
    await late.goto(hostedUrl);
    await late.getByLabel('Email').fill('late@example.test');
    await late.getByLabel(CONSENT).check();
    t.clock.advance(5_000);
    await late.getByRole('button', { name: 'Subscribe' }).click();
    await late.getByText('Please check your inbox').waitFor();
    t.clock.real();
    await late.context().close();
    expect(await contactOf('late@example.test')).toMatchObject({ emailStatus: 'pending' });
    expect((await t.api('GET', `/api/forms/${formId}`)).body.stats).toMatchObject({ views: 2, signups: 2, confirmations: 0 });
  });

  it("changes nothing when a link scanner GETs the confirmation link", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(confirmUrl, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; LinkScanner/1.0)' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<button type="submit">Confirm</button>');
    }
    expect(await contactOf('vera@example.test')).toMatchObject({ emailStatus: 'pending' });
    expect((await t.api('GET', `/api/lists/${listId}`)).body).toMatchObject({ size: 0 });
    expect((await t.api('GET', `/api/forms/${formId}`)).body.stats.confirmations).toBe(0);
  });

  it('subscribes the visitor who opens the link and presses Confirm, in the list, with the consent recorded', async () => {
    const page = await vera.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(confirmUrl);
    await page.getByRole('heading', { name: 'Confirm your subscription' }).waitFor();
    await page.getByText('vera@example.test').waitFor();
    await visitorShot(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('your subscription is confirmed').waitFor();
    await visitorShot(page, 'confirmed');

    const contact = (await t.api('GET', `/api/contacts/${(await contactOf('vera@example.test')).id}`)).body;
    expect(contact.emailStatus).toBe('subscribed');
    expect(contact.consents).toEqual([expect.objectContaining({ source: `form:${formId}`, formId, text: CONSENT, ip: '127.0.0.0' })]);
    // Both are in the list; only the one who confirmed counts in its size.
    const members = (await t.api('GET', `/api/contacts?listId=${listId}`)).body.items.map((c: { email: string }) => c.email);
    expect(members.sort()).toEqual(['late@example.test', 'vera@example.test']);
    expect((await t.api('GET', `/api/lists/${listId}`)).body).toMatchObject({ size: 1, pending: 1 });
    expect(await contactOf('late@example.test')).toMatchObject({ emailStatus: 'pending' });

    // The owner sees the figures, the consent on the contact's page and the other one still pending.
    await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forms' }).click();
    const row = ownerPage.getByRole('table', { name: 'Forms' }).getByRole('row').filter({ hasText: 'Spring newsletter' });
    await row.filter({ hasText: 'Newsletter' }).filter({ hasText: '50%' }).waitFor();
    expect((await row.getByRole('cell').allTextContents()).slice(2)).toEqual(['2', '2', '1', '50%']);
    await owner.screenshot('forms-list');
    await ownerPage.goto(`${t.baseUrl}/contacts/${contact.id}`);
    const consents = ownerPage.getByRole('table', { name: 'Consents' });
    await consents.getByRole('row').filter({ hasText: CONSENT }).filter({ hasText: '127.0.0.0' }).getByRole('link', { name: 'Spring newsletter' }).waitFor();
    await owner.screenshot('forms-contact-consent');
    await ownerPage.goto(`${t.baseUrl}/contacts/${(await contactOf('late@example.test')).id}`);
    await ownerPage.getByText('pending confirmation', { exact: true }).first().waitFor();
    await ownerPage.getByRole('table', { name: 'Consents' }).getByText('No consent recorded').waitFor();
  });

  it('sends the next campaign to the confirmed visitor and skips the pending one with reason pending', async () => {
    // The pending visitor joined the list when signing up, counted apart: the send skips them.
    const late = await contactOf('late@example.test');
    await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lists' }).click();
    const listRow = ownerPage.getByRole('table', { name: 'Lists' }).getByRole('row').filter({ hasText: 'Weekly news' });
    await listRow.waitFor();
    expect((await listRow.getByRole('cell').allTextContents()).slice(2, 4)).toEqual(['1', '1']);
    expect(await listRow.getByRole('switch', { name: 'Show Newsletter on the preference page' }).isChecked()).toBe(true);

    const campaign = (
      await t.api('POST', '/api/campaigns', { channel: 'email', name: 'Spring news', listIds: [listId], subject: 'Spring is here', fromEmail: 'news@shop.test', html: '<p>Hello {{ contact.firstName }}</p>' })
    ).body;
    expect((await t.api('POST', `/api/campaigns/${campaign.id}/send`, {})).status).toBe(200);
    await expect.poll(async () => (await t.api('GET', `/api/campaigns/${campaign.id}`)).body.status, { timeout: 15_000 }).toBe('sent');
    const messages = await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'status', 'skip_reason']).where('campaign_id', '=', campaign.id).orderBy('contact_id').execute();
    expect(messages).toEqual([
      { contact_id: (await contactOf('vera@example.test')).id, status: 'delivered', skip_reason: null },
      { contact_id: late.id, status: 'skipped', skip_reason: 'pending' },
    ]);
    const campaignMails = (await outbox(t)).filter((m) => m.subject === 'Spring is here');
    expect(campaignMails.map((m) => m.to)).toEqual(['vera@example.test']);
    expect(campaignMails[0]!.html).toContain('Hello Vera');
  });

  it('fits a phone: the sections fold behind a menu button, and the form and the forms fit the width', async () => {
    await ownerPage.setViewportSize({ width: 390, height: 844 });
    await ownerPage.goto(`${t.baseUrl}/forms/${formId}`);
    const title = ownerPage.getByRole('heading', { name: 'Spring newsletter', level: 2 });
    // Nothing (the sections) lies over the page's title.
    const uncovered = () =>
      title.evaluate((h) => {
        const box = h.getBoundingClientRect();
        return h.contains(document.elementFromPoint(box.left + 10, box.top + box.height / 2));
      });
    await expect.poll(uncovered).toBe(true);
    const overflowing = () =>
      ownerPage.evaluate(() =>
        ['header', 'main'].filter((tag) => {
          const element = document.querySelector(tag)!;
          return element.scrollWidth > element.clientWidth;
        }),
      );
    await owner.screenshot('forms-form-at-390px');
    expect(await overflowing()).toEqual([]);
    await ownerPage.getByRole('button', { name: 'Sections' }).click();
    await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forms' }).click();
    await ownerPage.getByRole('heading', { name: 'Forms', level: 2 }).waitFor();
    expect(await overflowing()).toEqual([]);
    await owner.screenshot('forms-list-at-390px');
  });
});
