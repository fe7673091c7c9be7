import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

const CSV = ['email;first_name;last_name;city', 'ada@example.test;Ada;Lovelace;Paris', 'grace@example.test;Grace;Hopper;Lyon', 'alan@example.test;Alan;Turing;Nice', 'not-an-email;Bad;Row;Nowhere'].join('\n');

/**
 * The journey of SPEC §1 in a real browser: sign in, import a CSV, write and send an
 * email campaign to a real SMTP server, open the received mail (the pixel loads) and
 * click its link, see it in Behavioral tracking, pick Openers and relaunch.
 */
describeInBrowser('Retargeting the openers of a campaign, in Chromium', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;
  let page: Page;
  let campaignId: number;

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    sink = await startSmtpSink();
    t = await startTestApp('sqlite', { SMTP_URL: sink.url });
    // Tracked links and the pixel must point at this very server, whose port is known only now.
    t.ctx.config.publicUrl = t.baseUrl;
    sender = startScheduler(t.ctx, { idleMs: 20 });
    shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Shop</title><h1>Spring collection</h1>'));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/spring`;
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sender?.stop();
    await t?.close();
    await sink?.close();
    shop?.close();
  });

  it('signs in', async () => {
    const { password } = await createUser(t.ctx.store, 'marketer@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('marketer@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('imports a CSV into a new list, with the column mapping and the row error report', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import contacts' }).click();
    await page.getByRole('textbox', { name: 'Into list' }).click();
    await page.getByRole('option', { name: 'A new list…' }).click();
    await page.getByLabel('New list name').fill('Spring customers');
    await page.locator('input[type=file]').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await expect.poll(() => page.getByRole('textbox', { name: 'Import column email as' }).inputValue()).toBe('Email');
    expect(await page.getByRole('textbox', { name: 'Import column first_name as' }).inputValue()).toBe('First name');
    expect(await page.getByRole('textbox', { name: 'Import column city as' }).inputValue()).toBe('New field: city');
    await browser.screenshot('import-mapping');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Import finished').waitFor();
    await page.getByText('Problems in the file').waitFor();
    expect(await page.getByRole('row', { name: /^5 / }).count()).toBe(1);
    await browser.screenshot('import-done');
    const lists = (await t.api('GET', '/api/lists')).body;
    expect(lists).toMatchObject([{ name: 'Spring customers', size: 3 }]);
  });

  it('writes an email campaign with a live preview and sends it to the SMTP server', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New email campaign' }).click();
    await page.getByLabel('Campaign name').fill('Spring sale');
    await page.getByLabel('Subject').fill('Spring is here, {{ contact.firstName }}');
    await page.getByLabel('Sender email').fill('news@shop.test');
    await page.getByRole('button', { name: 'Write HTML' }).click();
    await page.getByRole('textbox', { name: 'HTML' }).fill(`<html><body><h1>Hello {{ contact.firstName | default: "there" }}</h1><p><a href="${shopUrl}">See the collection</a></p></body></html>`);
    await page.frameLocator('iframe[title="Email preview"]').getByRole('heading', { name: 'Hello Ada' }).waitFor();
    await page.getByRole('textbox', { name: 'Recipients' }).click();
    await page.getByRole('option', { name: /Spring customers/ }).click();
    await page.getByText('3 recipients').waitFor();
    await browser.screenshot('campaign-editor');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Send now' }).click();
    await sink.waitFor(3);
    await page.getByRole('button', { name: 'Statistics' }).or(page.getByRole('link', { name: 'Statistics' })).waitFor();
    await expect.poll(async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status, { timeout: 15_000 }).toBe('sent');
    await page.getByText('3 of 3 processed').waitFor();
    await browser.screenshot('campaign-sent');
    expect([...sink.received.keys()].sort()).toEqual(['ada@example.test', 'alan@example.test', 'grace@example.test']);
  });

  it('records the open and the click of a recipient who reads the mail in the browser', async () => {
    const raw = sink.messages.find((m) => m.to === 'ada@example.test')!.raw;
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Spring is here, Ada');
    const inbox = await browser.context.newPage();
    await inbox.setContent(mail.html as string, { waitUntil: 'networkidle' });
    await inbox.getByRole('link', { name: 'See the collection' }).click();
    await inbox.waitForURL(shopUrl);
    await inbox.getByRole('heading', { name: 'Spring collection' }).waitFor();
    await inbox.close();
  });

  it('shows that recipient opened and clicked in the Behavioral tracking tab', async () => {
    await page.goto(`${t.baseUrl}/campaigns/${campaignId}/stats`);
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    await page.getByText('Open rate').waitFor();
    await browser.screenshot('stats-overview');
    await page.getByRole('tab', { name: 'Links' }).click();
    await page.getByRole('cell', { name: shopUrl }).waitFor();
    await browser.screenshot('stats-links');
    await page.getByRole('tab', { name: 'Behavioral tracking' }).click();

    const table = page.getByRole('table', { name: /Recipients of the active view/ });
    const ada = table.getByRole('row').filter({ hasText: 'ada@example.test' });
    await ada.getByText('opened ×1').waitFor();
    await ada.getByText('clicked ×1').waitFor();
    // The chip names the link by what tells it apart from the others: its path.
    await ada.getByText('/spring ×1', { exact: true }).waitFor();
    expect(await table.getByRole('row').filter({ hasText: 'grace@example.test' }).getByText('opened').count()).toBe(0);
    await page.getByTestId('active-view-count').filter({ hasText: 'Active view: 3 recipients' }).waitFor();
    await browser.screenshot('stats-behavioral-tracking');
  });

  it('picks Openers and relaunches them: the new draft is named Copy D + 0 - openers', async () => {
    await page.getByRole('button', { name: 'Openers', exact: true }).click();
    await page.getByTestId('active-view-count').filter({ hasText: 'Active view: 1 recipient' }).waitFor();
    await page.getByRole('table', { name: /Recipients of the active view/ }).getByRole('row').filter({ hasText: 'ada@example.test' }).waitFor();

    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Relaunch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Relaunch this campaign' });
    await dialog.getByText('Copy D + 0 - openers: Spring sale').waitFor();
    await browser.screenshot('relaunch-dialog');
    await dialog.getByRole('button', { name: 'Create the relaunch' }).click();

    await page.waitForURL((url) => /\/campaigns\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${campaignId}`));
    await page.getByRole('heading', { name: 'Copy D + 0 - openers: Spring sale' }).waitFor();
    expect(await page.getByLabel('Campaign name').inputValue()).toBe('Copy D + 0 - openers: Spring sale');
    await browser.screenshot('relaunch-draft');

    const relaunchId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    const relaunch = (await t.api('GET', `/api/campaigns/${relaunchId}`)).body;
    expect(relaunch).toMatchObject({ status: 'draft', parentCampaignId: campaignId, audienceLabel: 'openers', subject: 'Spring is here, {{ contact.firstName }}' });
  });

  it('filters the active view with the builder, then creates a list and exports a CSV from it', async () => {
    await page.goto(`${t.baseUrl}/campaigns/${campaignId}/stats?tab=behavior`);
    const count = page.getByTestId('active-view-count');
    await count.filter({ hasText: 'Active view: 3 recipients' }).waitFor();
    await page.getByRole('button', { name: 'Add advanced filter' }).click();
    const condition = page.getByRole('group', { name: 'Condition' });
    expect(await condition.getByLabel('Field').inputValue()).toBe('clicked');
    await count.filter({ hasText: 'Active view: 1 recipient' }).waitFor();
    await condition.getByLabel('Not').check();
    await count.filter({ hasText: 'Active view: 2 recipients' }).waitFor();
    await condition.getByLabel('Not').uncheck();
    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.getByRole('group', { name: 'Condition' }).nth(1);
    await second.getByLabel('Field').selectOption('contact.fields.city');
    await second.getByLabel('Value').fill('Lyon');
    await page.getByRole('group', { name: 'Advanced filter' }).getByLabel('Match').first().selectOption('any');
    const rows = page.getByRole('table', { name: /Recipients of the active view/ }).getByRole('row');
    await rows.filter({ hasText: 'ada@example.test' }).waitFor();
    await rows.filter({ hasText: 'alan@example.test' }).waitFor({ state: 'detached' });
    await count.filter({ hasText: 'Active view: 2 recipients' }).waitFor();
    await rows.filter({ hasText: 'grace@example.test' }).waitFor();
    await browser.screenshot('stats-advanced-filter');

    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Create a list' }).click();
    const listDialog = page.getByRole('dialog', { name: 'Create a list from the active view' });
    await listDialog.getByLabel('List name').fill('Clicked or Lyon');
    await listDialog.getByRole('button', { name: 'Create the list' }).click();
    await listDialog.getByText('holds 2 contacts').waitFor();
    await listDialog.getByRole('button', { name: 'Done' }).click();
    const lists = (await t.api('GET', '/api/lists')).body as { name: string; size: number }[];
    expect(lists.find((l) => l.name === 'Clicked or Lyon')?.size).toBe(2);

    await page.getByRole('button', { name: 'Actions' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('ada@example.test');
    expect(csv).toContain('grace@example.test');
    expect(csv).not.toContain('alan@example.test');
  });
});
