import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser as Chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM, describeInBrowser, SCREENSHOTS } from './browser.js';

/**
 * The hosted form needs no JavaScript; its embed snippet, pasted into a page of another site,
 * posts to Ricochet and lands on its thank-you page; a bot that fills the hidden field or posts
 * within a second gets the same thank-you page and stores nothing.
 */
describeInBrowser('The hosted form without JavaScript, embedded on another site, and against bots, in Chromium', () => {
  let t: TestApp;
  let chromiumBrowser: Chromium;
  let shop: Server;
  let shopUrl: string;
  let form: { id: number; slug: string; url: string; embedHtml: string };
  const CONSENT = 'Yes, send me the Spring Shop newsletter.';
  const contactOf = async (email: string) => (await t.api('GET', `/api/contacts?search=${encodeURIComponent(email)}`)).body.items[0];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `forms-${name}.png`), fullPage: true });
  const visitor = async (options: { javaScriptEnabled?: boolean } = {}) => {
    const page = await (await chromiumBrowser.newContext(options)).newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  let thankYou: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    t.ctx.config.publicUrl = t.baseUrl;
    const list = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body;
    form = (await t.api('POST', '/api/forms', { name: 'Spring newsletter', listIds: [list.id], fields: [{ name: 'firstName' }], consentText: CONSENT })).body;
    expect(form.url).toBe(`${t.baseUrl}/f/${form.slug}`);
    // Another site: another host name and port, so another origin than Ricochet's.
    shop = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><title>Spring Shop</title></head><body><h1>Spring Shop</h1>${form.embedHtml}</body></html>`),
    );
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
    chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await chromiumBrowser?.close();
    shop?.close();
    await t?.close();
  });

  it('signs a visitor up with JavaScript disabled', async () => {
    const page = await visitor({ javaScriptEnabled: false });
    await page.goto(form.url);
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
    await page.getByLabel('Email').fill('nojs@example.test');
    await page.getByLabel('First name').fill('Noé');
    await page.getByLabel(CONSENT).check();
    t.clock.advance(5_000);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Please check your inbox').waitFor();
    t.clock.real();
    expect(page.url()).toBe(form.url);
    thankYou = (await page.locator('main').textContent())!;
    await shot(page, 'no-javascript-thank-you');
    expect(await contactOf('nojs@example.test')).toMatchObject({ firstName: 'Noé', emailStatus: 'pending' });
    await page.context().close();
  });

  it("posts the embed snippet from another site's page and lands on Ricochet's thank-you page", async () => {
    const page = await visitor();
    await page.goto(shopUrl);
    await page.getByRole('heading', { name: 'Spring Shop' }).waitFor();
    await page.getByLabel('Email').fill('embedded@example.test');
    await page.getByLabel(CONSENT).check();
    await shot(page, 'embedded-on-another-site');
    // No clock to advance: a page of another site has no render time, and is judged by the honeypot and the rate limits.
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(form.url);
    await page.getByText('Please check your inbox').waitFor();
    expect(await page.locator('main').textContent()).toBe(thankYou);
    expect(await contactOf('embedded@example.test')).toMatchObject({ emailStatus: 'pending' });
    await page.context().close();
  });

  it('answers a bot that fills the hidden field, and one that posts within a second, with the same thank-you page, and stores nothing', async () => {
    const before = (await t.api('GET', `/api/forms/${form.id}`)).body.stats;
    const honeypot = await visitor();
    await honeypot.goto(form.url);
    await honeypot.getByLabel('Email').fill('honeypot@example.test');
    await honeypot.locator('input[name="website"]').fill('https://spam.example', { force: true });
    await honeypot.getByLabel(CONSENT).check();
    t.clock.advance(5_000);
    await honeypot.getByRole('button', { name: 'Subscribe' }).click();
    await honeypot.getByText('Please check your inbox').waitFor();
    t.clock.real();
    expect(await honeypot.locator('main').textContent()).toBe(thankYou);
    await honeypot.context().close();

    // The app's clock stands still while the page loads, then moves one second: a 1-second fill, however busy this machine is.
    const fast = await visitor();
    t.clock.now = Date.now();
    await fast.goto(form.url);
    await fast.getByLabel('Email').fill('fast@example.test');
    await fast.getByLabel(CONSENT).check();
    t.clock.advance(1_000);
    await fast.getByRole('button', { name: 'Subscribe' }).click();
    await fast.getByText('Please check your inbox').waitFor();
    t.clock.real();
    expect(await fast.locator('main').textContent()).toBe(thankYou);
    await fast.context().close();

    expect(await contactOf('honeypot@example.test')).toBeUndefined();
    expect(await contactOf('fast@example.test')).toBeUndefined();
    const after = (await t.api('GET', `/api/forms/${form.id}`)).body.stats;
    expect(after).toEqual({ ...before, views: before.views + 2 });
  });
});
