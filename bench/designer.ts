/**
 * The email designer while dragging, in headless Chromium: a page holding the designer with a
 * 30-block design (web/src/designer/harness, built by Vite like the web app), its API the real
 * one (a test app behind a small proxy that adds an API key). The mouse drags a block down the
 * canvas and back in small steps while requestAnimationFrame records frame times; the baseline
 * is the same mouse path without a drag (hovering) on the same page. Prints median and p95
 * frame times and frames per second, and the ratios drag / baseline.
 * `npm run bench -- designer [--blocks=30] [--steps=300]`
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CHROMIUM, openBrowser } from '../test/e2e/browser.js';
import { startTestApp } from '../test/support/app.js';
import { buildHarness, serveHarness } from '../web/src/designer/harness/serve.js';

const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

interface Figures {
  frames: number;
  medianMs: number;
  p95Ms: number;
  fps: number;
  /** Share of frames longer than 20 ms: a frame missed at 60 Hz. */
  long: number;
}

/** Records frame intervals in the page while `act` runs. */
async function measure(page: Page, act: () => Promise<void>): Promise<Figures> {
  // A string, not a function: the bundler's helpers for named functions do not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    const tick = (now) => {
      window.__frames.push(now);
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await act();
  const stamps = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
  const intervals = stamps.slice(1).map((s, i) => s - stamps[i]!);
  const sorted = [...intervals].sort((a, b) => a - b);
  const span = (stamps.at(-1)! - stamps[0]!) / 1000;
  return {
    frames: intervals.length,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
    fps: intervals.length / span,
    long: intervals.filter((d) => d > 20).length / intervals.length,
  };
}

export default async function (args: string[]): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const blocks = option(args, 'blocks', 30);
  const steps = option(args, 'steps', 300);
  await buildHarness();
  const t = await startTestApp('sqlite');
  const served = await serveHarness(t);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${served.url}/?blocks=${blocks}`);
    const canvas = page.getByRole('region', { name: 'Email canvas' });
    await canvas.locator('[data-block-type]').nth(blocks - 1).waitFor();
    const count = await canvas.locator('[data-block-type]').count();
    // Let the preview compile and the page settle before measuring.
    await page.getByTitle('Desktop preview').waitFor({ timeout: 15_000 }).catch(() => undefined);
    await page.waitForTimeout(500);

    const first = canvas.locator('[data-block-type]').first();
    await first.scrollIntoViewIfNeeded();
    const box = (await first.boundingBox())!;
    const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const viewport = page.viewportSize()!;
    // Down to near the bottom of the window (where the canvas starts to scroll) and back, in small steps.
    const bottom = viewport.height - 40;
    const path = Array.from({ length: steps }, (_, i) => {
      const half = steps / 2;
      const f = i < half ? i / half : (steps - i) / half;
      return { x: start.x + 40 * Math.sin((i / steps) * Math.PI * 4), y: start.y + (bottom - start.y) * f };
    });
    const walk = async () => {
      for (const point of path) await page.mouse.move(point.x, point.y);
    };

    await page.mouse.move(start.x, start.y);
    const idle = await measure(page, () => page.waitForTimeout(2000));
    const hover = await measure(page, walk);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    // Past the sensor's 5 px activation distance, so that every measured step is a drag.
    await page.mouse.move(start.x, start.y + 8);
    await page.locator('.designer-drag-chip').waitFor();
    const drag = await measure(page, walk);
    // Dropped back where it started: the design is unchanged for a next run.
    await page.mouse.move(start.x, start.y);
    await page.keyboard.press('Escape');
    await page.mouse.up();

    console.log(`designer with ${count} blocks, ${steps} mouse steps (Chromium headless, ${viewport.width}×${viewport.height})`);
    const row = (label: string, f: Figures, base?: Figures) =>
      console.log(
        `${label.padEnd(22)} frames ${String(f.frames).padStart(4)}   median ${f.medianMs.toFixed(1).padStart(5)} ms   p95 ${f.p95Ms.toFixed(1).padStart(5)} ms   ${f.fps.toFixed(1).padStart(5)} fps   missed ${(f.long * 100).toFixed(1).padStart(4)} %` +
          (base ? `   ratios: median ${(f.medianMs / base.medianMs).toFixed(2)}, p95 ${(f.p95Ms / base.p95Ms).toFixed(2)}, fps ${(f.fps / base.fps).toFixed(2)}` : ''),
      );
    row('idle (2 s)', idle);
    row('baseline: hover path', hover);
    row('drag along the path', drag, hover);
  } finally {
    await browser.close();
    await served.close();
    await t.close();
  }
}
