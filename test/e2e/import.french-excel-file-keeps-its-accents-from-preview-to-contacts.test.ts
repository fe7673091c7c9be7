import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { EXCEL_FRENCH } from '../support/importFiles.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/**
 * A marketer imports the file Excel saves as "CSV (séparateur : point-virgule)" — Windows-1252,
 * semicolons — from the import page: the preview already shows the accents, the columns map to
 * first name, last name and email by themselves, and Hélène arrives in contacts as written.
 */
describeInBrowser('Importing a French Excel file from the import page, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let password: string;
  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    ({ password } = await createUser(t.ctx.store, 'marketer@example.com', Date.now()));
    await t.api('POST', '/api/lists', { name: 'Salon de Lyon' });
    browser = await openBrowser();
    browser.page.setDefaultTimeout(30_000);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the accents in the preview, imports with France as the phone country, and finds Hélène in contacts', async () => {
    const { page } = browser;
    await page.goto(`${t.baseUrl}/login?next=${encodeURIComponent('/imports/new')}`);
    await page.getByLabel('Email').fill('marketer@example.com');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Import contacts' }).waitFor();

    await page.getByRole('textbox', { name: 'Into list' }).click();
    await page.getByRole('option', { name: 'Salon de Lyon' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'CSV file' }).click();
    await (await chooser).setFiles({ name: 'salon.csv', mimeType: 'text/csv', buffer: EXCEL_FRENCH });

    const mapping = page.getByRole('table', { name: 'Column mapping' });
    await mapping.getByRole('cell', { name: 'Prénom', exact: true }).waitFor();
    await mapping.getByRole('cell', { name: 'Hélène, François', exact: true }).waitFor();
    await mapping.getByRole('cell', { name: 'Orléans, L’Haÿ-les-Roses', exact: true }).waitFor();
    await page.getByText('Read as Windows-1252').waitFor();
    expect(await page.getByRole('textbox', { name: 'Import column Prénom as' }).inputValue()).toBe('First name');
    expect(await page.getByRole('textbox', { name: 'Import column Nom as' }).inputValue()).toBe('Last name');
    expect(await page.getByRole('textbox', { name: 'Import column Email as' }).inputValue()).toBe('Email');
    // A built-in property maps to itself: no "New field: Email" beside it.
    await page.getByRole('textbox', { name: 'Import column Email as' }).click();
    await page.getByRole('option', { name: 'New field: Ville' }).waitFor();
    expect(await page.getByRole('option', { name: /^New field: (Email|Prénom|Nom)$/ }).count()).toBe(0);
    await page.keyboard.press('Escape');

    await page.getByRole('textbox', { name: 'Country of phone numbers written without +' }).fill('France');
    await page.getByRole('option', { name: 'France (FR)' }).click();
    await browser.screenshot('import-mapping-french-excel');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('status').filter({ hasText: 'Import finished' }).waitFor();
    const [job] = (await t.ctx.store.db.selectFrom('imports').select('id').execute()).map((r) => r.id);
    expect((await t.api('GET', `/api/imports/${job}`)).body).toMatchObject({ imported: 2, skipped: 0, encoding: 'windows-1252', defaultCountry: 'FR' });

    await page.getByRole('link', { name: 'See contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByLabel('Search').fill('Hélène');
    const contacts = page.getByRole('table', { name: 'Contacts' });
    await contacts.getByRole('row').filter({ hasText: 'francois.lefevre@example.fr' }).waitFor({ state: 'detached' });
    await contacts.getByRole('row').filter({ hasText: 'Hélène' }).filter({ hasText: 'Dupré' }).waitFor();
    await browser.screenshot('import-contacts-french-excel');
  }, 180_000);
});
