import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

interface Template {
  id: number | string;
  kind: 'starter' | 'saved';
  name: string;
  design: { rows: unknown[] } | null;
  html: string | null;
}

/** A design without the ids the editor gives rows, columns and blocks (the API does not need them). */
const withoutIds = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(withoutIds) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, v]) => [key, withoutIds(v)])) : value;

/**
 * Templates and the two modes of the email editor (issue 13): start a campaign from a
 * starter, save it as a template (saving the campaign's edits first), turn the design into
 * hand-written HTML after a confirmation, go back to the Designer from a saved template, and
 * find saved templates in the gallery of a new campaign.
 */
describeInBrowser('Starting from a template, saving as one, and switching between Designer and HTML, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  let templates: Template[];
  const shot = (name: string) => browser.screenshot(`designer-templates-${name}`);
  const canvas = () => page.getByLabel('Email canvas');
  const campaign = async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body as { design: { rows: { columns: { blocks: { type: string; text?: string }[] }[] }[] } | null; html: string };
  const listTemplates = async () => (await t.api('GET', '/api/templates')).body.items as Template[];

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    t.ctx.config.publicUrl = t.baseUrl;
    templates = await listTemplates();
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    const { password } = await createUser(t.ctx.store, 'marketer@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('marketer@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('offers the starters, a blank design and hand-written HTML, each with a sandboxed preview', async () => {
    const starters = templates.filter((template) => template.kind === 'starter');
    expect(starters.map((s) => s.id).sort()).toEqual(['starter-announcement', 'starter-letter', 'starter-newsletter', 'starter-promotion']);
    await page.getByRole('link', { name: 'New email campaign' }).click();
    const gallery = page.getByRole('region', { name: 'Start from a template' });
    await gallery.getByRole('button', { name: 'Blank design' }).waitFor();
    await gallery.getByRole('button', { name: 'Write HTML' }).waitFor();
    for (const starter of starters) await gallery.getByRole('button', { name: starter.name, exact: true }).waitFor();
    const previews = gallery.locator('iframe[title="Template preview"]');
    await expect.poll(() => previews.count()).toBe(starters.length);
    expect(await previews.evaluateAll((frames) => frames.map((f) => f.getAttribute('sandbox')))).toEqual(starters.map(() => ''));
    // The compiled starter is drawn inside, merged with the sample contact.
    await expect.poll(() => previews.first().evaluate((f) => (f as HTMLIFrameElement).srcdoc.length)).toBeGreaterThan(1000);
    await shot('gallery');
  });

  it('starts from the newsletter starter: the draft holds its design', async () => {
    const newsletter = templates.find((template) => template.id === 'starter-newsletter')!;
    await page.getByLabel('Campaign name').fill('April news');
    await page.getByLabel('Subject').fill('Our April news');
    await page.getByLabel('Sender email').fill('news@shop.test');
    await page.getByRole('region', { name: 'Start from a template' }).getByRole('button', { name: newsletter.name, exact: true }).click();
    await canvas().waitFor();
    await expect.poll(() => canvas().locator('[data-row-id]').count()).toBe(newsletter.design!.rows.length);
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    expect(withoutIds((await campaign()).design)).toEqual(withoutIds(newsletter.design));
    await canvas().waitFor();
  });

  it('saves the campaign as a template, its unsaved edits saved first', async () => {
    const heading = canvas().locator('[data-block-type="heading"]').first();
    await heading.click();
    await page.getByRole('region', { name: 'Properties' }).getByLabel('Heading text').fill('Fresh for April');
    await page.getByText('Unsaved changes').waitFor();

    await page.getByRole('button', { name: 'Save as template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as template' });
    expect(await dialog.getByLabel('Template name').inputValue()).toBe('April news');
    await dialog.getByLabel('Template name').fill('Monthly news');
    await dialog.getByRole('button', { name: 'Save template' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved as the template “Monthly news”' }).waitFor();
    await shot('saved-as-template');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const saved = (await listTemplates()).find((template) => template.name === 'Monthly news')!;
    expect(saved).toMatchObject({ kind: 'saved', html: null });
    const design = (await campaign()).design!;
    expect(JSON.stringify(design)).toContain('Fresh for April');
    expect(withoutIds(saved.design)).toEqual(withoutIds(design));
    await page.getByText('Unsaved changes').waitFor({ state: 'hidden' });
  });

  it('turns the design into hand-written HTML only after confirming, and saves it as HTML', async () => {
    await page.getByText('HTML', { exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch to HTML?' });
    await dialog.getByText('The design becomes hand-written HTML and cannot be turned back into blocks.').waitFor();
    await shot('switch-to-html');
    await dialog.getByRole('button', { name: 'Keep the design' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await canvas().waitFor();
    expect(await page.getByRole('radio', { name: 'Designer' }).isChecked()).toBe(true);

    await page.getByText('HTML', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Switch to HTML' }).click();
    const source = page.getByRole('textbox', { name: 'HTML' });
    await expect.poll(() => source.inputValue()).toContain('Fresh for April');
    expect(await canvas().count()).toBe(0);
    await page.frameLocator('iframe[title="Email preview"]').getByText('Fresh for April').waitFor();
    await source.fill((await source.inputValue()).replace('Fresh for April', 'Fresh for April, by hand'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const saved = await campaign();
    expect(saved.design).toBeNull();
    expect(saved.html).toContain('Fresh for April, by hand');
    expect(saved.html).toContain('{{ unsubscribe_url }}');
    await page.reload();
    await page.getByRole('textbox', { name: 'HTML' }).waitFor();
    expect(await page.getByRole('radio', { name: 'HTML' }).isChecked()).toBe(true);
  });

  it('goes back to the Designer from a saved template, replacing the HTML after saying so', async () => {
    await page.getByText('Designer', { exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch to Designer?' });
    await dialog.getByText(/The HTML written here is replaced/).waitFor();
    const picker = dialog.getByRole('region', { name: 'Start the design from' });
    await picker.getByRole('button', { name: 'Blank design' }).waitFor();
    // Only designs are offered here: no hand-written HTML.
    expect(await picker.getByRole('button', { name: 'Write HTML' }).count()).toBe(0);
    await shot('switch-to-designer');
    await picker.getByRole('button', { name: 'Monthly news' }).click();
    await canvas().waitFor();
    await canvas().getByText('Fresh for April').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const saved = await campaign();
    const template = (await listTemplates()).find((t) => t.name === 'Monthly news')!;
    expect(withoutIds(saved.design)).toEqual(withoutIds(template.design));
    expect(saved.html).not.toContain('by hand');
  });

  it('lists the saved template in the gallery of a new campaign, and Write HTML opens the HTML editor', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New email campaign' }).click();
    const gallery = page.getByRole('region', { name: 'Start from a template' });
    await gallery.getByRole('button', { name: 'Monthly news' }).waitFor();
    await gallery.getByRole('button', { name: 'Write HTML' }).click();
    await page.getByRole('textbox', { name: 'HTML' }).waitFor();
    expect(await page.getByRole('radio', { name: 'HTML' }).isChecked()).toBe(true);
    await page.frameLocator('iframe[title="Email preview"]').getByRole('heading', { name: /Hello Ada/ }).waitFor();
    await shot('write-html');
  });
});
