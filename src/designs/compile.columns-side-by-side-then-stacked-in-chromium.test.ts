import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, openBrowser, type Browser } from '../../test/e2e/browser.js';
import { compileDesign } from './compile.js';
import type { Design } from './schema.js';

const column = (name: string) => ({ blocks: [{ type: 'heading' as const, text: name }, { type: 'text' as const, html: `<p>The ${name} column.</p>` }] });
const design: Design = {
  version: 1,
  rows: [
    { columns: [column('Left'), column('Right')] },
    { columns: [column('One'), column('Two'), column('Three'), column('Four')] },
  ],
};

describeInBrowser('a compiled design in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
    await browser.page.setContent((await compileDesign(design)).html);
  });
  afterAll(() => browser.close());

  const boxes = (names: string[]) => Promise.all(names.map(async (name) => (await browser.page.getByRole('heading', { name, exact: true }).boundingBox())!));

  it('puts a row’s columns side by side on a wide screen: their boxes share a top edge', async () => {
    await browser.page.setViewportSize({ width: 600, height: 900 });
    const [left, right] = await boxes(['Left', 'Right']);
    expect(right!.y).toBe(left!.y);
    expect(right!.x).toBeGreaterThan(left!.x + left!.width);
    const four = await boxes(['One', 'Two', 'Three', 'Four']);
    expect(new Set(four.map((b) => b.y)).size).toBe(1);
    expect(four.map((b) => b.x)).toEqual([...four.map((b) => b.x)].sort((a, b) => a - b));
  });

  it('stacks them below 480 px: one below the other, at the same left edge', async () => {
    await browser.page.setViewportSize({ width: 375, height: 900 });
    const [left, right] = await boxes(['Left', 'Right']);
    expect(right!.x).toBe(left!.x);
    expect(right!.y).toBeGreaterThan(left!.y + left!.height);
    const four = await boxes(['One', 'Two', 'Three', 'Four']);
    for (let i = 1; i < 4; i++) expect(four[i]!.y).toBeGreaterThan(four[i - 1]!.y + four[i - 1]!.height);
    await browser.page.setViewportSize({ width: 479, height: 900 });
    const [narrowLeft, narrowRight] = await boxes(['Left', 'Right']);
    expect(narrowRight!.y).toBeGreaterThan(narrowLeft!.y);
    await browser.page.setViewportSize({ width: 480, height: 900 });
    const [wideLeft, wideRight] = await boxes(['Left', 'Right']);
    expect(wideRight!.y).toBe(wideLeft!.y);
  });
});
