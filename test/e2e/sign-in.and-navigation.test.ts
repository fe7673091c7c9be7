import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

describeInBrowser('Signing in to the web app (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let password: string;
  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    ({ password } = await createUser(t.ctx.store, 'marketer@example.com', Date.now()));
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor to /login, refuses a wrong password, then opens the page asked for', async () => {
    const { page } = browser;
    await page.goto(`${t.baseUrl}/contacts`);
    await page.waitForURL(/\/login\?next=%2Fcontacts$/);
    await page.getByLabel('Email').fill('marketer@example.com');
    await page.getByLabel('Password', { exact: true }).fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor();
    await browser.screenshot('login');

    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/contacts$/);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'ricochet_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
  });

  it('writes an SMS with a live characters, encoding and parts counter and a short-link preview', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New SMS campaign' }).click();
    await page.getByLabel('Campaign name').fill('Flash sale');
    await page.getByLabel('Sender ID').fill('SHOP');
    const counter = page.getByRole('status', { name: 'SMS length' });
    await page.getByLabel('Message').fill('Flash sale: -30% today https://shop.example.com/very/long/path/to/the/flash/sale?utm_source=sms');
    await counter.filter({ hasText: 'GSM 7-bit' }).filter({ hasText: '1 part' }).waitFor();
    const preview = page.getByLabel('SMS preview');
    await preview.filter({ hasText: `${t.ctx.config.publicUrl}/s/` }).waitFor();
    expect(await preview.textContent()).not.toContain('shop.example.com');
    await page.getByLabel('Message').pressSequentially(' 🎉');
    await counter.filter({ hasText: 'Unicode (UCS-2)' }).waitFor();
    await browser.screenshot('sms-editor');
  });

  it('finds a contact by search and opens its page', async () => {
    const { page } = browser;
    await t.api('POST', '/api/contacts', { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', fields: { city: 'Paris' } });
    await t.api('POST', '/api/contacts', { email: 'grace@example.com', firstName: 'Grace' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts', exact: true }).click();
    // The SMS written above was never saved: leaving asks first.
    await page.getByRole('button', { name: 'Leave and lose the edits' }).click();
    await page.getByLabel('Search').fill('lovelace');
    const table = page.getByRole('table', { name: 'Contacts' });
    await table.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: 'ada@example.com' }).click();
    await page.getByRole('heading', { name: 'ada@example.com' }).waitFor();
    await page.getByRole('cell', { name: 'Paris' }).waitFor();
    await browser.screenshot('contact');
  });

  it('navigates between sections, and signs out', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lists' }).click();
    await page.getByRole('heading', { name: 'Lists' }).waitFor();
    await page.getByRole('button', { name: 'New list' }).click();
    await page.getByLabel('Name').fill('VIP');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('table').getByRole('link', { name: 'VIP' }).waitFor();
    expect((await t.api('GET', '/api/lists')).body.map((l: { name: string }) => l.name)).toEqual(['VIP']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect((await browser.context.cookies()).find((c) => c.name === 'ricochet_session')).toBeUndefined();
  });
});
