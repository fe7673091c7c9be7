import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';
import { seedMainPages, signInThroughThePage, type MainPage } from './mainPages.js';

/** What axe-core finds against WCAG 2 A and AA, one line per rule and element, to read in a failure. */
async function violations(page: Page): Promise<string[]> {
  // The app's own page, in one pass (legacy mode: no extra page opened to merge results). The
  // emails and forms it previews sit in script-less sandboxed frames (sandbox=""): axe's per-frame
  // run waits on them for good when one is still loading, and what is inside is the marketer's
  // markup, not the app's. The frames themselves are still checked here (frame-title and all).
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'], iframes: false })
    .withTags(['wcag2a', 'wcag2aa'])
    .analyze();
  return violations.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')} — ${node.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

describeInBrowser('Every main page meets WCAG 2 A and AA by axe-core (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let pages: MainPage[];
  let email: string;
  let password: string;
  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    ({ pages, email, password } = await seedMainPages(t));
    browser = await openBrowser();
    browser.page.setDefaultTimeout(20_000);
    // The web app is built first when its sources changed: a minute or two on a busy machine.
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the sign-in page', async () => {
    const { page } = browser;
    await page.goto(`${t.baseUrl}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('every page of a signed-in marketer, each with its data', async () => {
    const { page } = browser;
    await signInThroughThePage(page, t, email, password);
    const found: Record<string, string[]> = {};
    for (const { name, path, ready } of pages) {
      await page.goto(t.baseUrl + path);
      await ready(page).catch(async (e) => {
        await browser.screenshot(`axe-${name.replace(/\W+/g, '-')}`);
        throw e;
      });
      // Every frame on the page loaded (previews, the click map): axe reads each one and waits for good on a frame still loading.
      for (const frame of page.frames()) await frame.waitForLoadState('load');
      const seen = await violations(page);
      if (seen.length) found[name] = seen;
    }
    expect(found).toEqual({});
  }, 120_000);
});
