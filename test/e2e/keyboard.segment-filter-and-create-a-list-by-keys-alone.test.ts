import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { springSale } from '../support/springSale.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';
import { signInThroughThePage } from './mainPages.js';

const hasFocus = (locator: Locator) => locator.evaluate((el) => el === document.activeElement || el.contains(document.activeElement));

/** Presses Tab (Shift+Tab going back) until `target` has the focus, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { back = false, max = 40 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${max} presses of Tab never reached ${target}`);
}

/** What has the focus, in words, to read in a failure. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return el ? `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}`.trim() : 'nothing';
});

describeInBrowser('Behavioral tracking by keyboard alone (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    ({ campaignId } = await springSale(t.ctx));
    const { password } = await createUser(t.ctx.store, 'keys@ricochet.test', Date.now());
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
    await signInThroughThePage(page, t, 'keys@ricochet.test', password);
    // The web app is built first when its sources changed: a minute or two on a busy machine.
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens Behavioral tracking, picks a segment and filters it, focus staying where the work is', async () => {
    await page.goto(`${t.baseUrl}/campaigns/${campaignId}/stats`);
    const overview = page.getByRole('tab', { name: 'Overview' });
    await tabTo(page, overview);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const count = page.getByTestId('active-view-count');
    await count.filter({ hasText: 'Active view: 8 recipients' }).waitFor();

    await tabTo(page, page.getByRole('button', { name: 'Openers', exact: true }));
    await page.keyboard.press('Enter');
    await count.filter({ hasText: 'Active view: 5 recipients' }).waitFor();

    const add = page.getByRole('button', { name: 'Add advanced filter' });
    await tabTo(page, add);
    await page.keyboard.press('Enter');
    const conditions = page.getByRole('group', { name: 'Condition' });
    await conditions.first().waitFor();
    const addCondition = page.getByRole('button', { name: 'Add condition' });
    await tabTo(page, addCondition);
    await page.keyboard.press('Enter');
    await expect.poll(() => conditions.count()).toBe(2);

    // Removing the first condition hands the focus to the one that took its place, not the top of the page.
    await tabTo(page, conditions.first().getByRole('button', { name: 'Remove condition' }), { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => conditions.count()).toBe(1);
    await expect.poll(() => hasFocus(conditions.first().getByLabel('Field'))).toBe(true);
    // The last one gone, it goes to Add condition.
    await tabTo(page, conditions.first().getByRole('button', { name: 'Remove condition' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => conditions.count()).toBe(0);
    await expect.poll(() => hasFocus(addCondition)).toBe(true);
    await count.filter({ hasText: 'Active view: 5 recipients' }).waitFor();
    await page.keyboard.press('Enter');
    await conditions.first().waitFor();
  });

  it('opens Actions with ArrowDown, creates a list in a dialog that holds the focus, and returns it to Actions', async () => {
    const actions = page.getByRole('button', { name: 'Actions' });
    await tabTo(page, actions, { back: true });
    expect(await actions.getAttribute('aria-haspopup')).toBe('menu');
    await page.keyboard.press('ArrowDown');
    const createList = page.getByRole('menuitem', { name: 'Create a list' });
    await expect.poll(() => hasFocus(createList)).toBe(true);
    expect(await actions.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Create a list from the active view' });
    const name = dialog.getByLabel('List name');
    await expect.poll(() => hasFocus(name), { timeout: 5_000 }).toBe(true);
    // Typing lands in it: the menu used to hand the focus back to Actions, behind the dialog, right after.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Openers who clicked');
    expect(await name.inputValue()).toBe('Openers who clicked');
    // Tab goes round inside the dialog.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await hasFocus(dialog), await focused(page)).toBe(true);
    }
    await tabTo(page, name, { back: true, max: 8 });
    await page.keyboard.press('Enter');
    await dialog.getByText(/holds \d+ contacts?/).waitFor();
    const lists = (await t.api('GET', '/api/lists')).body as { name: string }[];
    expect(lists.map((l) => l.name)).toContain('Openers who clicked');
    await tabTo(page, dialog.getByRole('button', { name: 'Done' }), { max: 6 });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => hasFocus(actions)).toBe(true);

    // Relaunch from the menu, then Escape: back on Actions again.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => hasFocus(createList)).toBe(true);
    await page.keyboard.press('End');
    const relaunch = page.getByRole('menuitem', { name: 'Relaunch' });
    await expect.poll(() => hasFocus(relaunch)).toBe(true);
    await page.keyboard.press('Enter');
    const relaunchDialog = page.getByRole('dialog', { name: 'Relaunch this campaign' });
    await expect.poll(() => hasFocus(relaunchDialog)).toBe(true);
    await page.keyboard.press('Escape');
    await relaunchDialog.waitFor({ state: 'detached' });
    await expect.poll(() => hasFocus(actions)).toBe(true);
  });
});
