import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';
import { seedMainPages, signInThroughThePage, type MainPage } from './mainPages.js';

const WIDTH = 390;

/** How far the page reaches past the screen's right edge (0: no sideways scroll). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Where the navigation is: off the screen to the left when folded away. */
const navigationRight = async (page: Page) => (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!.x + (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!.width;

describeInBrowser('The web app on a phone, 390 × 844 (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let pages: MainPage[];
  let campaignId: number;
  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    const seeded = await seedMainPages(t);
    ({ pages, campaignId } = seeded);
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
    await page.setViewportSize({ width: WIDTH, height: 844 });
    await signInThroughThePage(page, t, seeded.email, seeded.password);
    // The web app is built first when its sources changed: a minute or two on a busy machine.
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('folds the navigation behind a button that opens and closes it, and closes it once a page is chosen', async () => {
    const sections = page.getByRole('button', { name: 'Sections' });
    expect(await sections.getAttribute('aria-expanded')).toBe('false');
    expect(await sections.getAttribute('aria-controls')).toBe(await page.getByRole('navigation', { name: 'Main' }).getAttribute('id'));
    expect(await navigationRight(page)).toBeLessThanOrEqual(0);
    await sections.click();
    await expect.poll(() => navigationRight(page)).toBeGreaterThan(100);
    expect(await sections.getAttribute('aria-expanded')).toBe('true');
    await sections.click();
    await expect.poll(() => navigationRight(page)).toBeLessThanOrEqual(0);

    await sections.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lists' }).click();
    await page.getByRole('heading', { level: 2, name: 'Lists' }).waitFor();
    await expect.poll(() => navigationRight(page)).toBeLessThanOrEqual(0);
    expect(await sections.getAttribute('aria-expanded')).toBe('false');
  });

  it('shows every main page without sideways scrolling: wide tables scroll inside their box', async () => {
    const wide: Record<string, number> = {};
    for (const { name, path, ready } of pages) {
      await page.goto(t.baseUrl + path);
      await ready(page);
      const extra = await overflow(page);
      if (extra > 0) wide[name] = extra;
    }
    expect(wide).toEqual({});
    // The campaigns' table is wider than the phone: it is a region that scrolls, reachable by keyboard.
    await page.goto(`${t.baseUrl}/campaigns`);
    const box = page.getByRole('region', { name: 'Campaigns, scrolls sideways' });
    await box.waitFor();
    expect(await box.getAttribute('tabindex')).toBe('0');
    expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await browser.screenshot('phone-campaigns');
  }, 240_000);

  it('taps Add advanced filter, then relaunches through Actions in a dialog that fits the screen', async () => {
    await page.goto(`${t.baseUrl}/campaigns/${campaignId}/stats?tab=behavior`);
    const count = page.getByTestId('active-view-count');
    await count.filter({ hasText: 'Active view: 8 recipients' }).waitFor();
    // A click that another element would intercept (a navigation over the page) fails here.
    await page.getByRole('button', { name: 'Add advanced filter' }).click();
    await page.getByRole('group', { name: 'Condition' }).waitFor();
    expect(await overflow(page)).toBe(0);
    await browser.screenshot('phone-advanced-filter');

    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Relaunch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Relaunch this campaign' });
    await dialog.getByRole('button', { name: 'Create the relaunch' }).waitFor();
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
    expect(await overflow(page)).toBe(0);
    await browser.screenshot('phone-relaunch-dialog');
    await dialog.getByRole('button', { name: 'Create the relaunch' }).click();
    await page.waitForURL((url) => /\/campaigns\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${campaignId}`));
    await page.getByLabel('Campaign name').waitFor();
    const relaunchId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    expect((await t.api('GET', `/api/campaigns/${relaunchId}`)).body).toMatchObject({ status: 'draft', parentCampaignId: campaignId });
    expect(await overflow(page)).toBe(0);
  });
});
