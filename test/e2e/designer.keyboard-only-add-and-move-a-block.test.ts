import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/** Presses Tab until `target` has the focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, { limit = 120, back = false } = {}): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${target} never got the focus in ${limit} presses of Tab`);
}

/**
 * The designer without a mouse (issue 13): a block is added from the palette with Tab and
 * Enter, moved with its Move up button and with Alt+ArrowUp, then picked up and dropped
 * with dnd-kit's keyboard drag (Space, arrows, Space); each changes the document's order.
 */
describeInBrowser('Adding and moving blocks in the designer with the keyboard only, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  const canvas = () => page.getByLabel('Email canvas');
  /** The block types of each row. */
  const layout = () =>
    canvas()
      .locator('[data-row-id]')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll<HTMLElement>('[data-block-type]')].map((b) => b.dataset.blockType)));
  /** The block types of each row of the saved document. */
  const savedLayout = async () => {
    const design = (await t.api('GET', `/api/campaigns/${campaignId}`)).body.design as { rows: { columns: { blocks: { type: string }[] }[] }[] };
    return design.rows.map((row) => row.columns.flatMap((column) => column.blocks.map((block) => block.type)));
  };
  const focused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    const created = await t.api('POST', '/api/campaigns', {
      channel: 'email',
      name: 'Keyboard letter',
      subject: 'Hello',
      fromEmail: 'news@shop.test',
      listIds: [],
      design: {
        version: 1,
        rows: [{ columns: [{ blocks: [{ type: 'heading', text: 'Welcome' }] }] }, { columns: [{ blocks: [{ type: 'text', html: '<p>First paragraph</p>' }] }] }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    campaignId = created.body.id;
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    const { password } = await createUser(t.ctx.store, 'keys@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login?next=${encodeURIComponent(`/campaigns/${campaignId}`)}`);
    await page.getByLabel('Email').fill('keys@example.test');
    await page.getByLabel('Password').fill(password);
    await page.keyboard.press('Enter');
    await canvas().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a Button block from the palette with Tab and Enter', async () => {
    expect(await layout()).toEqual([['heading'], ['text']]);
    await tabTo(page, page.getByRole('navigation', { name: 'Blocks' }).getByRole('button', { name: 'Button', exact: true }));
    await page.keyboard.press('Enter');
    // Nothing selected: it comes as a new row at the end.
    await expect.poll(layout).toEqual([['heading'], ['text'], ['button']]);
    await page.getByRole('status').filter({ hasText: 'Button block added' }).waitFor();
    await browser.screenshot('designer-keyboard-added');
  });

  it('moves it up with its Move up button, then with Alt+ArrowUp', async () => {
    const button = canvas().locator('[data-block-type="button"]');
    await tabTo(page, button);
    await tabTo(page, button.getByRole('button', { name: 'Move up' }));
    expect(await layout()).toEqual([['heading'], ['text'], ['button']]);
    // A block at the top of its row moves to the end of the row above; its empty row goes.
    await page.keyboard.press('Enter');
    await expect.poll(layout).toEqual([['heading'], ['text', 'button']]);
    await page.keyboard.press('Enter');
    await expect.poll(layout).toEqual([['heading'], ['button', 'text']]);

    await tabTo(page, button, { back: true });
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(layout).toEqual([['heading', 'button'], ['text']]);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(layout).toEqual([['button', 'heading'], ['text']]);
    expect(await focused(button)).toBe(true);
  });

  it('picks the heading up with Space, moves it with the arrows and drops it with Space', async () => {
    const heading = canvas().locator('[data-block-type="heading"]');
    await tabTo(page, heading);
    await page.keyboard.press('Space');
    // dnd-kit says where the block would land, in its live region, at each step.
    const said = page.locator('[aria-live]').filter({ hasText: /Heading block/ });
    await said.waitFor({ state: 'attached' });
    // Down past the end of its row and onto the gap between the rows: it lands there as a row of its own.
    await page.keyboard.press('ArrowDown');
    await said.filter({ hasText: 'would go at the end of row 1' }).waitFor({ state: 'attached' });
    await page.keyboard.press('ArrowDown');
    await said.filter({ hasText: 'would go between rows 1 and 2' }).waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await expect.poll(layout).toEqual([['button'], ['heading'], ['text']]);
    expect(await focused(heading)).toBe(true);
    await browser.screenshot('designer-keyboard-moved');
  });

  it('saves with the keyboard: the document keeps the new order', async () => {
    expect(await savedLayout()).toEqual([['heading'], ['text']]);
    await tabTo(page, page.getByRole('button', { name: 'Save draft' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    expect(await savedLayout()).toEqual([['button'], ['heading'], ['text']]);
  });
});
