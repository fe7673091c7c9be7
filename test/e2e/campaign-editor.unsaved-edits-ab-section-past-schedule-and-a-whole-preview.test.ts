import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { outboxDir } from '../../src/delivery/channels/outbox.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/** A 600 px email with a mark at its right edge, personalised with a custom field. */
const HTML = `<!doctype html><html><body style="margin:0">
<table role="presentation" width="600" style="width:600px" cellpadding="0" cellspacing="0"><tr>
<td style="width:480px">See you in {{ contact.fields.city | default: "town" }}</td>
<td style="width:120px;text-align:right"><span id="right-edge">END</span></td>
</tr></table></body></html>`;

/**
 * The campaign editor as issue 17 found it, and issue 14's A/B section, in Chromium against a
 * real server: the preview shows a 600 px email whole, merged with a real contact of the list
 * and their city; a test send with an edited subject saves it first, reaches the outbox with
 * the new subject and names the bad address; leaving with unsaved edits asks; a past schedule
 * asks before sending now; an A/B test is saved on the campaign.
 */
describeInBrowser('The campaign editor: unsaved edits, a whole preview, the A/B section and a past schedule, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  const campaign = async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body;

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    t.ctx.config.publicUrl = t.baseUrl;
    const list = (await t.api('POST', '/api/lists', { name: 'Spring customers' })).body;
    const ids = [];
    for (const [email, firstName, city] of [['ada@example.test', 'Ada', 'Paris'], ['grace@example.test', 'Grace', 'Lyon']]) {
      ids.push((await t.api('POST', '/api/contacts', { email, firstName, fields: { city } })).body.id);
    }
    await t.api('POST', `/api/lists/${list.id}/contacts`, { contactIds: ids });
    const created = await t.api('POST', '/api/campaigns', { channel: 'email', name: 'Spring sale', subject: 'Spring is here', fromEmail: 'news@shop.test', html: HTML, listIds: [list.id] });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
    const { password } = await createUser(t.ctx.store, 'marketer@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('marketer@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${t.baseUrl}/campaigns/${campaignId}`);
    await page.getByLabel('Subject', { exact: false }).first().waitFor();
  }, 300_000); // the web app may need building first, on a busy machine
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('previews the 600 px email whole, merged with a real contact of the list and their city', async () => {
    await page.getByText('Preview (merged with Ada)').waitFor();
    const frameElement = page.locator('iframe[title="Email preview"]');
    expect(await frameElement.getAttribute('sandbox')).toBe('');
    const frame = (await (await frameElement.elementHandle())!.contentFrame())!;
    await expect.poll(() => frame.locator('body').textContent()).toContain('See you in Paris');
    // The email's right edge is inside the frame's own width, and the frame inside its box on the page.
    const inside = await frame.evaluate(() => ({ right: document.getElementById('right-edge')!.getBoundingClientRect().right, width: window.innerWidth, scroll: document.documentElement.scrollWidth }));
    expect(inside.right).toBeLessThanOrEqual(inside.width);
    expect(inside.scroll).toBeLessThanOrEqual(inside.width);
    const box = (await frameElement.boundingBox())!;
    const card = (await frameElement.locator('xpath=ancestor::div[contains(@class,"mantine-Card-root")][1]').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width + 1);
    await browser.screenshot('campaign-editor-preview');
  });

  it('saves an edited subject before a test send, which reaches the outbox with it and names the bad address', async () => {
    await page.getByRole('textbox', { name: 'Subject', exact: true }).fill('Last days of spring');
    await page.getByLabel('Send a test to').fill('me@example.test, me@');
    await page.getByRole('button', { name: 'Save and send test' }).click();
    const result = page.getByRole('status', { name: 'Test send result' });
    await result.getByText('Your edits were saved, then the test was sent to me@example.test.').waitFor();
    await result.getByText('Not sent to me@: this is not a valid email address.').waitFor();
    expect((await campaign()).subject).toBe('Last days of spring');
    const files = readdirSync(outboxDir(t.ctx.config)).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(outboxDir(t.ctx.config), files[0]!), 'utf8')).toContain('Subject: [TEST] Last days of spring');
  });

  it('asks before leaving with unsaved edits, and stays when asked to', async () => {
    await page.getByLabel('Campaign name').fill('Spring sale, last days');
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${campaignId}`);
    expect(await page.getByLabel('Campaign name').inputValue()).toBe('Spring sale, last days');
  });

  it('saves an A/B test on the campaign: variants, test group, criterion and wait', async () => {
    const section = page.getByRole('region', { name: 'A/B test' });
    // By keys: the sticky save bar may cover the switch where it scrolls into view.
    await section.getByRole('switch', { name: /A\/B test/ }).focus();
    await page.keyboard.press('Space');
    await section.getByText('0 people get a variant (0 each), 2 get the winner.').waitFor();
    await section.getByRole('tab', { name: 'Variant B' }).click();
    await section.getByLabel('Subject of variant B').fill('Spring ends Sunday');
    await section.getByLabel('Open rate, by people').check();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').getByText('Saved', { exact: true }).waitFor();
    expect((await campaign()).abTest).toEqual({ variants: [{ key: 'A' }, { key: 'B', subject: 'Spring ends Sunday' }], testPercent: 20, criterion: 'humanOpenRate', waitMinutes: 240 });
    await browser.screenshot('campaign-editor-ab');
    // The send panel and the A/B section pass axe (WCAG 2 A and AA).
    for (const region of ['A/B test', 'Pre-send checks']) {
      const results = await new AxeBuilder({ page }).include(`[aria-label="${region}"]`).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${region}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  }, 180_000); // axe is slow on a busy machine

  it('previews the saved campaign as real contacts of the list, each with their city, and each variant', async () => {
    const preview = page.getByRole('region', { name: 'Preview as' });
    const contacts = preview.getByRole('radiogroup', { name: 'Contact to preview as' });
    await contacts.getByText('Grace').click();
    const frameElement = preview.locator('iframe[title="Preview as Grace"]');
    expect(await frameElement.getAttribute('sandbox')).toBe('');
    const frame = (await (await frameElement.elementHandle())!.contentFrame())!;
    await expect.poll(() => frame.locator('body').textContent()).toContain('See you in Lyon');
    await preview.getByText('Last days of spring').waitFor();
    await preview.getByRole('radiogroup', { name: 'Variant to preview' }).getByText('Variant B').click();
    await preview.getByText('Spring ends Sunday').waitFor();
  });

  it('asks before sending at a time that has passed; declined, nothing is sent', async () => {
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByLabel('Or schedule for').fill('2020-03-01T09:30');
    await page.getByText('This time has passed').waitFor();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toMatch(/^Mar 1, 2020, 09:30: this time has passed\. Send "Spring sale, last days" now\?$/);
    expect((await campaign()).status).toBe('draft');
  });
});
