import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { createSmsOutboxChannel } from '../../src/delivery/sms/channel.js';
import { compileSmsCampaign } from '../../src/delivery/sms/compile.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sendQueued, smsCampaign } from '../support/smsFixtures.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/**
 * Issue 17: the outbox lists SMS beside email, finds a message by recipient or campaign,
 * and reading either in the app records nothing — the email's pixel and links and the
 * SMS's short link all point at this very server, so a load would be counted.
 */
describeInBrowser('Reading the outbox in Chromium', () => {
  // One database: the listing and its isolation are proven on both by the server suite.
  describe('email and SMS in the outbox', () => {
    let t: TestApp;
    let sender: Scheduler;
    let browser: Browser;
    let page: Page;
    let emailCampaignId: number;
    const events = async () => (await t.ctx.store.db.selectFrom('events').select(['type']).execute()).length;

    beforeAll(async () => {
      await ensureWebBuild({ quiet: true });
      t = await startTestApp('sqlite', { SMS_SEND_WINDOW: 'always' });
      t.ctx.config.publicUrl = t.baseUrl;
      const { campaign } = await smsCampaign(t, [{ phone: '+33612345671' }, { phone: '+33612345672' }], 'Flash sale tonight: https://shop.example.com/flash');
      await sendQueued(t.ctx, await compileSmsCampaign(t.ctx, campaign), createSmsOutboxChannel(t.ctx.config));
      sender = startScheduler(t.ctx, { idleMs: 20 });
      const list = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body.id;
      await t.api('POST', '/api/contacts', { email: 'ada@example.test', listIds: [list] });
      emailCampaignId = (
        await t.api('POST', '/api/campaigns', {
          name: 'Spring letter',
          subject: 'Spring is here',
          fromEmail: 'news@shop.test',
          html: '<p>Hello</p><p><a href="https://shop.example.com/spring">See the collection</a></p>',
          listIds: [list],
        })
      ).body.id;
      expect((await t.api('POST', `/api/campaigns/${emailCampaignId}/send`, {})).status).toBe(200);
      for (let i = 0; i < 300 && (await t.api('GET', `/api/campaigns/${emailCampaignId}`)).body.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await t.api('GET', '/api/outbox')).body.total).toBe(3);
      browser = await openBrowser();
      page = browser.page;
      page.setDefaultTimeout(20_000);
    });
    afterAll(async () => {
      await browser?.close();
      await sender?.stop();
      await t?.close();
    });

    it('signs in and lists the SMS beside the email', async () => {
      const { password } = await createUser(t.ctx.store, 'owner@example.test', Date.now());
      await page.goto(`${t.baseUrl}/login`);
      await page.getByLabel('Email').fill('owner@example.test');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.getByRole('link', { name: 'Outbox' }).click();
      const messages = page.getByRole('list', { name: 'Messages' });
      await messages.getByRole('listitem').nth(2).waitFor();
      expect(await messages.getByRole('listitem').count()).toBe(3);
      expect(await messages.getByText('SMS', { exact: true }).count()).toBe(2);
    });

    it('finds an SMS by its number and shows its link as its destination, recording nothing', async () => {
      await page.getByLabel('Search').fill('345672');
      const messages = page.getByRole('list', { name: 'Messages' });
      await page.waitForFunction(() => document.querySelectorAll('[aria-label="Messages"] [role="listitem"]').length === 1);
      await messages.getByRole('listitem').first().click();
      const text = page.getByTestId('sms-text');
      await text.waitFor();
      expect(await text.textContent()).toMatch(/^Flash sale tonight: https:\/\/shop\.example\.com\/flash/);
      expect(await text.textContent()).not.toContain('/s/');
      expect(await events()).toBe(0);
    });

    it('finds the email by its campaign and shows it without loading its pixel', async () => {
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Campaign').selectOption(String(emailCampaignId));
      await page.waitForFunction(() => document.querySelectorAll('[aria-label="Messages"] [role="listitem"]').length === 1);
      await page.getByRole('list', { name: 'Messages' }).getByRole('listitem').first().click();
      const frame = page.frameLocator('iframe[title="Message"]');
      await frame.getByRole('link', { name: 'See the collection' }).waitFor();
      expect(await frame.getByRole('link', { name: 'See the collection' }).getAttribute('href')).toBe('https://shop.example.com/spring');
      // Whatever the frame would load has had its chance: the page is idle.
      await page.waitForLoadState('networkidle');
      expect(await events()).toBe(0);
    });
  });
});
