import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser as Chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM, describeInBrowser, SCREENSHOTS } from './browser.js';

/**
 * The preference page from a delivered email: a subscriber of lists A and B (both offered on
 * the page) leaves A, keeps B and saves; opening the page again (a GET) changes nothing.
 */
describeInBrowser('A subscriber leaves one list and keeps another on the preference page, in Chromium', () => {
  let t: TestApp;
  let sender: Scheduler;
  let chromiumBrowser: Chromium;
  let page: Page;
  let weekly: number; // A
  let offers: number; // B
  let internal: number; // not on the page
  let contactId: number;
  let preferencesUrl: string;
  const memberships = async () =>
    (await t.ctx.store.db.selectFrom('list_members').select('list_id').where('contact_id', '=', contactId).orderBy('list_id').execute()).map((m) => m.list_id);
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `forms-${name}.png`), fullPage: true });

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    t.ctx.config.publicUrl = t.baseUrl;
    sender = startScheduler(t.ctx, { idleMs: 20 });
    weekly = (await t.api('POST', '/api/lists', { name: 'Newsletter', publicName: 'Weekly news', onPreferences: true })).body.id;
    offers = (await t.api('POST', '/api/lists', { name: 'Offers', onPreferences: true })).body.id;
    internal = (await t.api('POST', '/api/lists', { name: 'Internal: VIP', onPreferences: false })).body.id;
    contactId = (await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', listIds: [weekly, offers, internal] })).body.id;
    chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    page = await (await chromiumBrowser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await chromiumBrowser?.close();
    await sender?.stop();
    await t?.close();
  });

  it('delivers a campaign whose unsubscribe link opens the preference page, with both lists ticked', async () => {
    const campaign = (
      await t.api('POST', '/api/campaigns', { channel: 'email', name: 'Weekly 12', listIds: [weekly], subject: 'This week', fromEmail: 'news@shop.test', html: '<p>Hello {{ contact.firstName }}</p>' })
    ).body;
    expect((await t.api('POST', `/api/campaigns/${campaign.id}/send`, {})).status).toBe(200);
    await expect.poll(async () => (await t.api('GET', `/api/campaigns/${campaign.id}`)).body.status, { timeout: 15_000 }).toBe('sent');
    const dir = join(t.ctx.config.dataDir, 'outbox');
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.eml'));
    const mail = await simpleParser(readFileSync(join(dir, file!)));
    expect(mail.subject).toBe('This week');
    preferencesUrl = new RegExp(`${t.baseUrl}/u/[\\w.-]+`).exec(String(mail.html))![0];

    await page.goto(preferencesUrl);
    await page.getByRole('heading', { name: 'Email preferences' }).waitFor();
    const lists = page.getByRole('group', { name: 'Lists' });
    expect(await lists.getByRole('checkbox').count()).toBe(2);
    expect(await lists.getByRole('checkbox', { name: 'Weekly news' }).isChecked()).toBe(true);
    expect(await lists.getByRole('checkbox', { name: 'Offers' }).isChecked()).toBe(true);
    expect(await page.getByText('Internal').count()).toBe(0);
    await page.getByRole('button', { name: 'Unsubscribe from all' }).waitFor();
    await shot('preferences');
  });

  it('leaves list A and keeps list B on Save preferences, still subscribed', async () => {
    await page.getByRole('group', { name: 'Lists' }).getByRole('checkbox', { name: 'Weekly news' }).uncheck();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByRole('heading', { name: 'Your preferences are saved' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Offers' }).waitFor();
    expect(await page.getByText('Weekly news').count()).toBe(0);
    await shot('preferences-saved');
    expect(await memberships()).toEqual([offers, internal].sort((a, b) => a - b));
    expect((await t.api('GET', `/api/contacts/${contactId}`)).body.emailStatus).toBe('subscribed');
  });

  it('changes nothing when the page is opened again', async () => {
    for (let i = 0; i < 2; i++) {
      await page.goto(preferencesUrl);
      const lists = page.getByRole('group', { name: 'Lists' });
      await lists.getByRole('checkbox', { name: 'Offers' }).waitFor();
      expect(await lists.getByRole('checkbox', { name: 'Weekly news' }).isChecked()).toBe(false);
      expect(await lists.getByRole('checkbox', { name: 'Offers' }).isChecked()).toBe(true);
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Email preferences' }).waitFor();
    expect(await memberships()).toEqual([offers, internal].sort((a, b) => a - b));
    expect((await t.api('GET', `/api/contacts/${contactId}`)).body.emailStatus).toBe('subscribed');
  });
});
