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
