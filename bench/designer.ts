/**
 * The email designer while dragging, in headless Chromium, with a 30-block design: in the web
 * app (built as `npm start` builds it; a draft campaign's page, signed in) and alone (its
 * harness page, web/src/designer/harness, with the same API behind it). The mouse drags a
 * block down the canvas and back in small steps while requestAnimationFrame records frame
 * times; the baseline is the same mouse path without a drag (hovering) on the same page.
 * Prints median and p95 frame times, frames per second and the share of missed frames (over
 * 20 ms), and the ratios drag / baseline.
 * `npm run bench -- designer [--blocks=30] [--steps=300]`
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createUser } from '../src/auth/users.js';
import { CHROMIUM, openBrowser } from '../test/e2e/browser.js';
import { startTestApp } from '../test/support/app.js';
import { ensureWebBuild } from '../web/build.js';
import { buildHarness, serveHarness } from '../web/src/designer/harness/serve.js';
import { sampleDesign } from '../web/src/designer/harness/sample.js';

const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

interface Figures {
  frames: number;
  medianMs: number;
  p95Ms: number;
  fps: number;
  /** Share of frames longer than 20 ms: a frame missed at 60 Hz. */
  missed: number;
}

/** Records frame intervals in the page while `act` runs. */
async function measure(page: Page, act: () => Promise<void>): Promise<Figures> {
  // A string, not a function: the bundler's helpers for named functions do not exist in the page.
  // Each recording has its own generation, so that a loop left from the last one stops at its next frame.
  await page.evaluate(`(() => {
    const generation = (window.__generation = (window.__generation || 0) + 1);
    const frames = (window.__frames = []);
    const tick = (now) => {
      if (window.__generation !== generation) return;
      frames.push(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await act();
  const stamps = (await page.evaluate('(window.__generation++, window.__frames)')) as number[];
  const intervals = stamps.slice(1).map((s, i) => s - stamps[i]!);
  const sorted = [...intervals].sort((a, b) => a - b);
  return {
    frames: intervals.length,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
    fps: intervals.length / ((stamps.at(-1)! - stamps[0]!) / 1000),
    missed: intervals.filter((d) => d > 20).length / intervals.length,
  };
}

/** Idle, hovering along the path, then dragging the first block along it (and putting it back with Escape). */
async function dragFigures(page: Page, steps: number) {
  const canvas = page.getByRole('region', { name: 'Email canvas' });
  const first = canvas.locator('[data-block-type]').first();
  await first.scrollIntoViewIfNeeded();
  // Let the preview compile and the page settle before measuring.
  await page.locator('iframe[title="Desktop preview"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  const box = (await first.boundingBox())!;
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  // Down to near the bottom of the window (where the page starts to scroll by itself) and back, swaying sideways.
  const bottom = page.viewportSize()!.height - 40;
  const path = Array.from({ length: steps }, (_, i) => {
    const f = i < steps / 2 ? i / (steps / 2) : (steps - i) / (steps / 2);
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
  await page.keyboard.press('Escape');
  await page.mouse.up();
  return { blocks: await canvas.locator('[data-block-type]').count(), idle, hover, drag };
}

function print(label: string, result: Awaited<ReturnType<typeof dragFigures>>) {
  console.log(`\n${label}: ${result.blocks} blocks`);
  const row = (name: string, f: Figures, base?: Figures) =>
    console.log(
      `  ${name.padEnd(18)} frames ${String(f.frames).padStart(4)}   median ${f.medianMs.toFixed(1).padStart(5)} ms   p95 ${f.p95Ms.toFixed(1).padStart(5)} ms   ${f.fps.toFixed(1).padStart(5)} fps   missed ${(f.missed * 100).toFixed(1).padStart(4)} %` +
        (base ? `   ratios to baseline: median ${(f.medianMs / base.medianMs).toFixed(2)}, p95 ${(f.p95Ms / base.p95Ms).toFixed(2)}, fps ${(f.fps / base.fps).toFixed(2)}` : ''),
    );
  row('idle (2 s)', result.idle);
  row('baseline: hover', result.hover);
  row('drag', result.drag, result.hover);
}

export default async function (args: string[]): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const blocks = option(args, 'blocks', 30);
  const steps = option(args, 'steps', 300);
  await ensureWebBuild({ quiet: true });
  await buildHarness();
  const t = await startTestApp('sqlite');
  const served = await serveHarness(t);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    const viewport = page.viewportSize()!;
    console.log(`Chromium headless ${viewport.width}×${viewport.height}, ${steps} mouse steps down the canvas and back`);

    const created = await t.api('POST', '/api/campaigns', { channel: 'email', name: 'Designer bench', subject: 'Spring', fromEmail: 'news@example.com', design: sampleDesign(blocks), listIds: [] });
    if (created.status !== 201) throw new Error(`The campaign was not created: ${created.status} ${JSON.stringify(created.body)}`);
    const { password } = await createUser(t.ctx.store, 'bench@example.test', Date.now());
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('bench@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.goto(`${t.baseUrl}/campaigns/${(created.body as { id: number }).id}`);
    await page.getByRole('region', { name: 'Email canvas' }).locator('[data-block-type]').nth(blocks - 1).waitFor({ timeout: 30_000 });
    print('In the web app (a draft campaign)', await dragFigures(page, steps));

    await page.goto(`${served.url}/?blocks=${blocks}`);
    await page.getByRole('region', { name: 'Email canvas' }).locator('[data-block-type]').nth(blocks - 1).waitFor();
    print('Alone (the harness page)', await dragFigures(page, steps));
  } finally {
    await browser.close();
    await served.close();
    await t.close();
  }
}
