import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { addCampaign, addContact, addList, addMessage } from '../support/audienceScenario.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/**
 * Issue 17's everyday gestures in a real browser: the dashboard after a send; a campaign
 * duplicated, edited and its draft deleted; a sent one archived and found again; a contact
 * added, edited, put on a list and erased; two contacts unsubscribed at once from the table.
 */
describeInBrowser('Everyday gestures on campaigns and contacts, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let sale: number;
  let vip: number;
  let ada: number;
  let bob: number;

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    const customers = await addList(t.ctx, 'Customers');
    vip = await addList(t.ctx, 'VIP');
    ada = await addContact(t.ctx, { email: 'ada@example.test', firstName: 'Ada', listIds: [customers] });
    bob = await addContact(t.ctx, { email: 'bob@example.test', firstName: 'Bob', listIds: [customers] });
    await addContact(t.ctx, { email: 'cy@example.test', firstName: 'Cy', listIds: [customers] });
    sale = (await addCampaign(t.ctx, { name: 'Spring sale', sentAt: Date.now() - 3_600_000 })).id;
    await t.ctx.store.db.updateTable('campaigns').set({ list_ids: t.ctx.store.dialect.writeJson([customers]) }).where('id', '=', sale).execute();
    // One human opener and clicker of two received: 50 % each; a scanner's open and click do not count.
    await addMessage(t.ctx, sale, ada, { opens: 1, humanOpens: 1, clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, sale, bob, { opens: 1, clicks: 4 });
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const campaignRow = (name: string) => page.getByRole('table', { name: 'Campaigns' }).getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  /** WCAG 2 A and AA violations on the page as it stands, by rule and target. */
  const violations = async () =>
    (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  const openCampaigns = async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
  };

  it('opens on the dashboard at the app root, with the human rates of the last send', async () => {
    const { password } = await createUser(t.ctx.store, 'marketer@example.test', Date.now());
    await page.goto(`${t.baseUrl}/`);
    await page.getByLabel('Email').fill('marketer@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const row = page.getByRole('table', { name: 'Recent campaigns' }).getByRole('row').filter({ hasText: 'Spring sale' });
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(['Spring sale', expect.any(String), '2', '50%', '50%']);
    await page.getByText('Nothing is sending right now.').waitFor();
    await page.getByRole('img', { name: /3 new subscribers over the last 30 days; 3 subscribed contacts in all/ }).waitFor();
    await browser.screenshot('gestures-dashboard');
    expect(await violations()).toEqual([]);
  });

  it('duplicates a sent campaign into a draft, edits the copy and deletes it after confirming', async () => {
    await openCampaigns();
    await campaignRow('Spring sale').getByRole('button', { name: 'Actions for Spring sale' }).click();
    await page.getByRole('menuitem', { name: 'Duplicate' }).click();
    const name = page.getByLabel('Campaign name');
    await expect.poll(() => name.inputValue(), { timeout: 20_000 }).toBe('Copy of Spring sale');
    const copy = Number(/\/campaigns\/(\d+)/.exec(page.url())![1]);
    expect((await t.api('GET', `/api/campaigns/${copy}`)).body).toMatchObject({ status: 'draft', subject: 'Spring sale: -20% on everything', sentAt: null });

    await name.fill('Summer sale');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(async () => (await t.api('GET', `/api/campaigns/${copy}`)).body.name, { timeout: 20_000 }).toBe('Summer sale');

    await openCampaigns();
    await campaignRow('Summer sale').getByRole('button', { name: 'Actions for Summer sale' }).click();
    await page.getByRole('menuitem', { name: 'Delete draft' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this draft?' });
    await dialog.getByText('“Summer sale”').waitFor();
    await dialog.getByRole('button', { name: 'Delete draft' }).click();
    await dialog.waitFor({ state: 'detached' });
    await campaignRow('Summer sale').waitFor({ state: 'detached' });
    expect((await t.api('GET', `/api/campaigns/${copy}`)).status).toBe(404);
  });

  it('archives the sent campaign out of the list and finds it again with Show archived', async () => {
    await campaignRow('Spring sale').getByRole('button', { name: 'Actions for Spring sale' }).click();
    expect(await page.getByRole('menuitem').allInnerTexts()).toEqual(['Duplicate', 'Archive']);
    await page.getByRole('menuitem', { name: 'Archive' }).click();
    await campaignRow('Spring sale').waitFor({ state: 'detached' });
    await page.getByLabel('Show archived').check();
    await campaignRow('Spring sale').getByText('archived').waitFor();
    expect((await t.api('GET', `/api/campaigns/${sale}`)).body.archivedAt).not.toBeNull();
  });

  it('adds a contact with a custom field, edits it and puts it on a list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('button', { name: 'Add contact' }).click();
    const form = page.getByRole('dialog', { name: 'Add a contact' });
    await form.getByLabel('Email', { exact: true }).fill('dee@example.test');
    await form.getByLabel('First name').fill('Dee');
    await form.getByRole('button', { name: 'Add a field' }).click();
    await form.getByLabel('Field 1 name').fill('city');
    await form.getByLabel('Field 1 value').fill('Paris');
    await form.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('heading', { name: 'dee@example.test' }).waitFor();
    const id = Number(/\/contacts\/(\d+)/.exec(page.url())![1]);

    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit contact' });
    await edit.getByLabel('Last name').fill('Smith');
    await edit.getByLabel('Field 1 value').fill('Lyon');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByText('Dee Smith').waitFor();
    expect((await t.api('GET', `/api/contacts/${id}`)).body).toMatchObject({ firstName: 'Dee', lastName: 'Smith', fields: { city: 'Lyon' }, listIds: [] });

    await page.getByRole('textbox', { name: 'Add to a list' }).click();
    await page.getByRole('option', { name: 'VIP' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove from VIP' }).waitFor();
    expect((await t.api('GET', `/api/contacts/${id}`)).body.listIds).toEqual([vip]);
    await browser.screenshot('gestures-contact');
  });

  it('erases that contact from its page once the dialog has said what erasing means', async () => {
    const id = Number(/\/contacts\/(\d+)/.exec(page.url())![1]);
    await page.getByRole('button', { name: 'Erase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this contact?' });
    await dialog.getByText(/dee@example.test is erased for good.*This cannot be undone/).waitFor();
    await dialog.getByRole('button', { name: 'Keep the contact' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Erase' }).click();
    await dialog.getByRole('button', { name: 'Erase' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    expect((await t.api('GET', `/api/contacts/${id}`)).status).toBe(404);
  });

  it('unsubscribes two selected contacts at once after saying what it means', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Select ada@example.test' }).check();
    await page.getByRole('checkbox', { name: 'Select bob@example.test' }).check();
    const toolbar = page.getByRole('toolbar', { name: 'Selected contacts' });
    await toolbar.getByText('2 contacts selected').waitFor();
    await toolbar.getByRole('button', { name: 'Unsubscribe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unsubscribe' });
    await dialog.getByText(/2 contacts will be unsubscribed from email and SMS/).waitFor();
    expect(await violations()).toEqual([]);
    await dialog.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('status').getByText('2 contacts unsubscribed.').waitFor();
    const statuses = await Promise.all([ada, bob].map(async (id) => (await t.api('GET', `/api/contacts/${id}`)).body.emailStatus));
    expect(statuses).toEqual(['unsubscribed', 'unsubscribed']);
    const cy = (await t.api('GET', '/api/contacts?search=cy@')).body.items[0];
    expect(cy.emailStatus).toBe('subscribed');
    await browser.screenshot('gestures-bulk');
  });
});
