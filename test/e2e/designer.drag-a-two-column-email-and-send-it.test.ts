import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { outboxDir } from '../../src/delivery/channels/outbox.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SCREENSHOTS, describeInBrowser, openBrowser, type Browser } from './browser.js';

/** A real PNG of `width`×`height` in one colour: signature, IHDR, one zlib IDAT, IEND. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, no interlace
  const line = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => line));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

/** A real drag with the mouse, in small steps, as dnd-kit's pointer sensor needs (it starts after 5 px); `at` is how far down the target it drops. */
async function drag(page: Page, from: Locator, to: Locator, at = 0.5): Promise<void> {
  await to.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 4 });
  // Measured once the drag has started, and again on arrival: the page may have moved meanwhile.
  for (const steps of [20, 5]) {
    const b = (await to.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height * at, { steps });
  }
  await page.mouse.up();
}

/** What the canvas shows: per row, per column, the block types and their visible text. */
const canvasState = (page: Page) =>
  page.getByLabel('Email canvas').evaluate((canvas) =>
    [...canvas.querySelectorAll<HTMLElement>('[data-row-id]')].map((row) =>
      [...row.querySelectorAll<HTMLElement>('[role="group"][aria-label^="Column"]')].map((column) =>
        [...column.querySelectorAll<HTMLElement>('[data-block-type]')].map((block) => `${block.dataset.blockType}: ${block.innerText.replace(/\s+/g, ' ').trim()}`),
      ),
    ),
  );

/**
 * Issue 13's journey in a real browser: a marketer starts from a blank design, drags a
 * two-column row, an uploaded image, a personalised heading and a button, saves, reloads
 * and finds the same email, sends it, and reads the delivered message at desktop and phone
 * widths: the columns sit side by side at 600 px and stack at 375 px.
 */
describeInBrowser('Designing a two-column email by dragging blocks, and sending it, in Chromium', () => {
  let t: TestApp;
  let sender: Scheduler;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  let canvasBefore: string[][][];
  let designBefore: unknown;
  const shot = (name: string) => browser.screenshot(`designer-${name}`);
  const canvas = () => page.getByLabel('Email canvas');
  const rows = () => canvas().locator('[data-row-id]');

  beforeAll(async () => {
    await ensureWebBuild({ quiet: true });
    t = await startTestApp('sqlite');
    // Media, tracked links and the pixel point at this very server, whose port is known only now.
    t.ctx.config.publicUrl = t.baseUrl;
    sender = startScheduler(t.ctx, { idleMs: 20 });
    const list = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body;
    const contact = await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', listIds: [list.id] });
    expect(contact.status).toBe(201);
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sender?.stop();
    await t?.close();
  });

  it('signs in and starts a new email campaign from a blank design', async () => {
    const { password } = await createUser(t.ctx.store, 'marketer@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('marketer@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'New email campaign' }).click();
    await page.getByLabel('Campaign name').fill('Spring letter');
    await page.getByLabel('Subject').fill('Spring is here');
    await page.getByLabel('Sender email').fill('news@shop.test');
    await page.getByRole('textbox', { name: 'Recipients' }).click();
    await page.getByRole('option', { name: /Newsletter/ }).click();
    await page.getByText('1 recipient').waitFor();
    const gallery = page.getByRole('region', { name: 'Start from a template' });
    await gallery.getByRole('button', { name: 'Newsletter' }).waitFor();
    await shot('template-gallery');
    await gallery.getByRole('button', { name: 'Blank design' }).click();
    await canvas().waitFor();
    expect(await rows().count()).toBe(0);
    expect(await page.getByRole('radio', { name: 'Designer' }).isChecked()).toBe(true);
  });

  it('drags a Columns row onto the canvas, an uploaded Image into its first column, a Heading and a Button into its second', async () => {
    await drag(page, page.getByRole('button', { name: 'Columns', exact: true }), canvas().getByText('Drag blocks here'));
    await expect.poll(() => rows().count()).toBe(1);
    const row = rows().first();
    const first = row.getByRole('group', { name: 'Column 1' });
    const second = row.getByRole('group', { name: 'Column 2' });
    await second.waitFor();

    await drag(page, page.getByRole('button', { name: 'Image', exact: true }), first);
    const image = first.locator('[data-block-type="image"]');
    await image.waitFor();
    await image.click();
    const properties = page.getByRole('region', { name: 'Properties' });
    await properties.getByLabel('Upload image').setInputFiles({ name: 'spring.png', mimeType: 'image/png', buffer: png(120, 80, [46, 160, 67]) });
    await expect.poll(() => properties.getByLabel('Image address').inputValue()).toMatch(new RegExp(`^${t.baseUrl}/media/[0-9a-f]{32}\\.png$`));
    await properties.getByLabel('Alt text').fill('Spring flowers');

    await drag(page, page.getByRole('button', { name: 'Heading', exact: true }), second);
    const heading = second.locator('[data-block-type="heading"]');
    await heading.waitFor();
    await heading.click();
    await properties.getByLabel('Heading text').fill('Hello {{ contact.firstName }}');

    await drag(page, page.getByRole('button', { name: 'Button', exact: true }), second.locator('[data-block-type="heading"]'), 0.8);
    const button = second.locator('[data-block-type="button"]');
    await button.waitFor();
    await button.click();
    await properties.getByLabel('Button label').fill('Shop the collection');
    await properties.getByLabel('Button link').fill('https://shop.example.test/spring');

    canvasBefore = await canvasState(page);
    expect(canvasBefore).toEqual([[['image: '], [expect.stringMatching(/^heading: Hello \{\{ contact\.firstName \}\}/), expect.stringMatching(/^button: Shop the collection/)]]]);
    await shot('two-columns-designed');
  });

  it('saves, and after a reload the document and the canvas are unchanged', async () => {
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    await canvas().waitFor();
    designBefore = (await t.api('GET', `/api/campaigns/${campaignId}`)).body.design;
    expect(designBefore).toMatchObject({
      version: 1,
      rows: [
        {
          columns: [
            { blocks: [{ type: 'image', src: expect.stringMatching(/\/media\/[0-9a-f]{32}\.png$/), alt: 'Spring flowers' }] },
            { blocks: [{ type: 'heading', text: 'Hello {{ contact.firstName }}' }, { type: 'button', label: 'Shop the collection', href: 'https://shop.example.test/spring' }] },
          ],
        },
      ],
    });
    await page.reload();
    await canvas().waitFor();
    await rows().first().waitFor();
    expect(await canvasState(page)).toEqual(canvasBefore);
    expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body.design).toEqual(designBefore);
    // The image uploaded is served from PUBLIC_URL, and the canvas shows it.
    const src = await canvas().locator('[data-block-type="image"] img').getAttribute('src');
    expect(src).toMatch(/\/media\/[0-9a-f]{32}\.png$/);
    await shot('two-columns-reloaded');
  });

  it('sends it, and the delivered email has the columns side by side at 600 px and stacked at 375 px, a tracked button and the first name', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status, { timeout: 15_000 }).toBe('sent');
    const dir = outboxDir(t.ctx.config);
    const files = readdirSync(dir).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dir, files[0]!)));
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('ada@example.test');
    const html = mail.html as string;

    const inbox = await browser.context.newPage();
    try {
      const boxes = async (width: number) => {
        await inbox.setViewportSize({ width, height: 900 });
        await inbox.setContent(html, { waitUntil: 'load' });
        return inbox.evaluate(() => {
          const column = (element: Element | null) => (element?.closest('[class*="mj-column-per-"]') ?? element) as HTMLElement;
          const image = document.querySelector<HTMLImageElement>('img[src*="/media/"]');
          const heading = [...document.querySelectorAll('h1, h2, h3')].find((h) => h.textContent?.includes('Hello'));
          const box = (element: HTMLElement) => {
            const r = element.getBoundingClientRect();
            return { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) };
          };
          return { image: box(column(image)), heading: box(column(heading ?? null)), headingText: heading?.textContent?.trim(), imageWidth: image?.naturalWidth };
        });
      };
      const wide = await boxes(600);
      await inbox.screenshot({ path: join(SCREENSHOTS, 'designer-delivered-600.png'), fullPage: true });
      expect(wide.headingText).toBe('Hello Ada');
      expect(wide.imageWidth).toBe(120); // the uploaded PNG, served from PUBLIC_URL
      expect(wide.heading.top).toBe(wide.image.top);
      expect(wide.heading.left).toBeGreaterThanOrEqual(wide.image.right);

      const narrow = await boxes(375);
      await inbox.screenshot({ path: join(SCREENSHOTS, 'designer-delivered-375.png'), fullPage: true });
      expect(narrow.heading.top).toBeGreaterThanOrEqual(narrow.image.bottom);
      expect(narrow.heading.left).toBe(narrow.image.left);

      const link = inbox.getByRole('link', { name: 'Shop the collection' });
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^${t.baseUrl}/t/c/`));
      expect(html).not.toContain('https://shop.example.test/spring');
      expect(html).not.toContain('{{');
    } finally {
      await inbox.close();
    }
  });
});
