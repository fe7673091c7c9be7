/**
 * The designer in real Chromium (its harness page, web/src/designer/harness): what needs a
 * real layout and a real DOM — drags by mouse and keyboard, text sanitized, an HTML block that
 * cannot run, accessibility, and panels stacked on a phone.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, openBrowser, type Browser } from '../../../test/e2e/browser.js';
import type { Design } from './model';
import { buildHarness, serveHarness } from './harness/serve.js';

const heading = (id: string, text: string) => ({ type: 'heading' as const, id, text });

const START: Design = {
  version: 1,
  rows: [
    { id: 'r1', columns: [{ id: 'c1', blocks: [heading('a', 'Alpha'), heading('b', 'Bravo'), heading('c', 'Charlie')] }] },
    { id: 'r2', columns: [{ id: 'c2', blocks: [heading('d', 'Delta')] }, { id: 'c3', blocks: [heading('e', 'Echo')] }] },
  ],
};

/** Block ids per row and column, read from the page's own value. */
const announced = (page: Page) => page.locator('[id^="DndLiveRegion"]').textContent();
/** Space picks up; the sensor listens for arrows from the next tick on, as a person's next key would come. */
async function pickUp(page: Page) {
  await page.keyboard.press('Space');
  await page.locator('.designer-drag-chip').waitFor();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

const layout = (page: Page) =>
  page.evaluate(() => (window as unknown as { designerValue: Design }).designerValue.rows.map((r) => r.columns.map((c) => c.blocks.map((b) => b.id ?? b.type))));

describeInBrowser('the designer in Chromium', () => {
  let browser: Browser;
  let served: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    await buildHarness();
    served = await serveHarness();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const open = async (design: Design) => {
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${served.url}/#design=${encodeURIComponent(JSON.stringify(design))}`);
    await page.reload(); // a new hash alone does not load the page again
    await page.getByRole('region', { name: 'Email canvas' }).waitFor();
    return page;
  };
  const centre = async (page: Page, selector: string) => {
    const box = (await page.locator(selector).first().boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2, box };
  };
  const drag = async (page: Page, from: { x: number; y: number }, to: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 12, from.y + ((to.y - from.y) * i) / 12);
    await page.mouse.up();
  };

  it('drops a palette block between two blocks of a column, and a block into the other column of a row', async () => {
    const page = await open(START);
    const bravo = await centre(page, '[data-block-id="b"]');
    // The lower half of Bravo: after it.
    await drag(page, await centre(page, 'button:text-is("Button")'), { x: bravo.x, y: bravo.box.y + bravo.box.height * 0.8 });
    const [[column]] = await layout(page);
    expect(column).toHaveLength(4);
    expect([column![0], column![1], column![3]]).toEqual(['a', 'b', 'c']);
    expect(await page.locator('[data-block-type="button"]').count()).toBe(1);

    const echo = await centre(page, '[data-block-id="e"]');
    await drag(page, await centre(page, '[data-block-id="a"]'), { x: echo.x, y: echo.box.y + 2 });
    expect((await layout(page))[1]).toEqual([['d'], ['a', 'e']]);
  });

  it('moves a block with the keyboard only (Space, arrows, Space), saying where it goes', async () => {
    const page = await open(START);
    await page.locator('[data-block-id="a"]').focus();
    await pickUp(page);
    // Down from Alpha's own place: before Bravo, before Charlie, the end of the column.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => announced(page)).toContain('at the end of row 1, column 1');
    await page.keyboard.press('Space');
    expect((await layout(page))[0]).toEqual([['b', 'c', 'a']]);
    await expect.poll(() => announced(page)).toContain('dropped at the end of row 1, column 1');

    // Escape puts it back: nothing changes.
    await page.locator('[data-block-id="d"]').focus();
    await pickUp(page);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    expect((await layout(page))[1]).toEqual([['d'], ['e']]);

    // Enter on a palette item adds; it does not pick the item up.
    await page.getByRole('button', { name: 'Divider', exact: true }).press('Enter');
    expect(await page.locator('[data-block-type="divider"]').count()).toBe(1);
    expect(await page.locator('.designer-drag-chip').count()).toBe(0);

    // A palette item moved with the keyboard lands once, where it was dropped.
    await page.getByRole('button', { name: 'Spacer', exact: true }).focus();
    await pickUp(page);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => announced(page)).toContain('A new Spacer block would go at the top of the email');
    await page.keyboard.press('Space');
    await page.waitForTimeout(350);
    expect(await page.locator('[data-block-type="spacer"]').count()).toBe(1);
    expect((await layout(page))[0]![0]![0]).toMatch(/^b-/);
    expect(await page.locator('[data-row-id]').first().locator('[data-block-type="spacer"]').count()).toBe(1);
  });

  it('shows a text block sanitized and an HTML block in an empty sandbox, and neither runs', async () => {
    const page = await open({
      version: 1,
      rows: [
        {
          id: 'r',
          columns: [
            {
              id: 'c',
              blocks: [
                { type: 'text', id: 't', html: '<p onclick="window.owned=1">Hi <strong>there</strong><img src="x" onerror="window.owned=2"><script>window.owned=3</script><a href="javascript:window.owned=4">x</a></p>' },
                { type: 'html', id: 'h', html: '<script>parent.owned = 5</script><img src="x" onerror="parent.owned=6"><p id="raw">Raw</p>' },
              ],
            },
          ],
        },
      ],
    });
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const text = page.locator('[data-block-type="text"]');
    expect(await text.locator('strong').textContent()).toBe('there');
    expect(await text.locator('script, img, [onclick]').count()).toBe(0);
    await text.locator('a').click();
    expect(await page.locator('#raw').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { owned?: number }).owned)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(await page.locator('[data-block-type="html"] iframe').getAttribute('sandbox')).toBe('');
  });

  it('passes axe with a block selected, and stacks palette, canvas and properties on a phone', async () => {
    const page = await open(START);
    await page.locator('[data-block-id="b"]').click();
    const results = await new AxeBuilder({ page }).include('.designer').disableRules(['color-contrast']).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    const palette = (await page.getByRole('navigation', { name: 'Blocks' }).boundingBox())!;
    const canvas = (await page.getByRole('region', { name: 'Email canvas' }).boundingBox())!;
    const properties = (await page.getByRole('region', { name: 'Properties' }).boundingBox())!;
    expect(canvas.y).toBeGreaterThanOrEqual(palette.y + palette.height);
    expect(properties.y).toBeGreaterThanOrEqual(canvas.y + canvas.height);
    expect(canvas.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The two columns of row 2 stack on a phone too, as in the email.
    const delta = (await page.locator('[data-block-id="d"]').boundingBox())!;
    const echo = (await page.locator('[data-block-id="e"]').boundingBox())!;
    expect(echo.y).toBeGreaterThanOrEqual(delta.y + delta.height);
  });
});
