import type { Page } from 'playwright-core';
import { createUser } from '../../src/auth/users.js';
import type { TestApp } from '../support/app.js';
import { springSale } from '../support/springSale.js';

export interface MainPage {
  name: string;
  path: string;
  /** Visible once the page has its data. */
  ready: (page: Page) => Promise<void>;
}

/**
 * Every main page of the web app with something on it: the Spring sale (a sent campaign with
 * its statistics), a draft, a list, a form. Returns the pages to visit, sign-in excepted.
 */
export async function seedMainPages(t: TestApp): Promise<{ pages: MainPage[]; campaignId: number; email: string; password: string }> {
  const s = await springSale(t.ctx);
  const draft = await t.api('POST', '/api/campaigns', { name: 'Summer teaser', subject: 'Summer is coming', fromEmail: 'news@shop.test', html: '<p>Soon</p>', listIds: [s.vip] });
  if (draft.status !== 201) throw new Error(`draft: ${draft.status} ${JSON.stringify(draft.body)}`);
  const form = await t.api('POST', '/api/forms', { name: 'Newsletter sign-up', listIds: [s.vip], consentText: 'I want the newsletter.' });
  if (form.status !== 201) throw new Error(`form: ${form.status} ${JSON.stringify(form.body)}`);
  const email = 'marketer@ricochet.test';
  const { password } = await createUser(t.ctx.store, email, Date.now());
  const heading = (name: string | RegExp) => async (page: Page) => page.getByRole('heading', { level: 2, name }).waitFor();
  const stats = `/campaigns/${s.campaignId}/stats`;
  const pages: MainPage[] = [
    { name: 'dashboard', path: '/dashboard', ready: async (page) => page.getByRole('link', { name: 'Spring sale' }).first().waitFor() },
    { name: 'campaigns', path: '/campaigns', ready: async (page) => page.getByRole('table', { name: 'Campaigns' }).getByRole('link', { name: 'Spring sale' }).waitFor() },
    { name: 'a sent campaign', path: `/campaigns/${s.campaignId}`, ready: heading('Spring sale') },
    { name: 'statistics: overview', path: stats, ready: async (page) => page.getByText('Open rate').first().waitFor() },
    {
      name: 'statistics: links',
      path: `${stats}?tab=links`,
      // The table, and the click map drawn in its frame: axe reads frames, and one still loading leaves it waiting for good.
      ready: async (page) => {
        await page.getByRole('row').filter({ hasText: 'shoes' }).first().waitFor();
        await page.frameLocator('iframe[title="Click map"]').locator('.ricochet-badge').first().waitFor();
      },
    },
    { name: 'statistics: behavioral tracking', path: `${stats}?tab=behavior`, ready: async (page) => page.getByRole('row').filter({ hasText: 'alice@ricochet.test' }).waitFor() },
    { name: 'the editor', path: `/campaigns/${draft.body.id}`, ready: async (page) => page.getByLabel('Campaign name').waitFor() },
    { name: 'a new campaign', path: '/campaigns/new?channel=email', ready: async (page) => page.getByLabel('Campaign name').waitFor() },
    { name: 'contacts', path: '/contacts', ready: async (page) => page.getByRole('link', { name: 'alice@ricochet.test' }).waitFor() },
    { name: 'a contact', path: `/contacts/${s.ids.alice}`, ready: heading('alice@ricochet.test') },
    { name: 'lists', path: '/lists', ready: async (page) => page.getByRole('link', { name: 'VIP' }).waitFor() },
    { name: 'import', path: '/imports/new', ready: heading(/Import/) },
    { name: 'forms', path: '/forms', ready: async (page) => page.getByRole('link', { name: 'Newsletter sign-up' }).waitFor() },
    { name: 'a form', path: `/forms/${form.body.id}`, ready: heading('Newsletter sign-up') },
    { name: 'outbox', path: '/outbox', ready: heading('Outbox') },
    { name: 'settings', path: '/settings', ready: heading('Settings') },
  ];
  return { pages, campaignId: s.campaignId, email, password };
}

export async function signInThroughThePage(page: Page, t: TestApp, email: string, password: string): Promise<void> {
  await page.goto(`${t.baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
