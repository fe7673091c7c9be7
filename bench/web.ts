/**
 * The web app at scale, in headless Chromium: a campaign of 100k recipients beside a
 * baseline of 1k measured in the same run. For each: time until the statistics page
 * shows its figures, time until the Behavioral tracking tab shows its first rows and
 * the active view count, and frame times while the recipients table is scrolled
 * through thousands of rows (pages loading as it goes).
 * `npm run bench -- web [--recipients=100000]`
 */
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { createUser } from '../src/auth/users.js';
import { createScenario } from '../test/support/trackingScenario.js';
import { CHROMIUM, openBrowser } from '../test/e2e/browser.js';
import { startTestApp, type TestApp } from '../test/support/app.js';
import { ensureWebBuild } from '../web/build.js';

const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

/** Behaviour written straight into the counters: a third open (1–3 times), a tenth click links 1–2. */
async function addBehaviour(t: TestApp, campaignId: number, links: { id: number; kind: string }[]) {
  const at = t.ctx.now() - 1_800_000;
  const db = t.ctx.store.db;
  await sql`update messages set opens = 1 + id % 3, human_opens = 1, first_open_at = ${at}, last_open_at = ${at + 60_000} where campaign_id = ${campaignId} and id % 3 = 0`.execute(db);
  await sql`update messages set clicks = 1 + id % 2, human_clicks = 1, first_click_at = ${at + 120_000}, last_click_at = ${at + 180_000} where campaign_id = ${campaignId} and id % 10 = 0`.execute(db);
  for (const link of links.filter((l) => l.kind === 'link')) {
    await sql`insert into message_links (message_id, link_id, campaign_id, clicks, human_clicks, first_click_at, last_click_at)
      select id, ${link.id}, campaign_id, clicks, human_clicks, first_click_at, last_click_at from messages where campaign_id = ${campaignId} and id % 10 = 0`.execute(db);
  }
}

interface Figures {
  statsMs: number;
  behaviorMs: number;
  rowsScrolled: number;
  frameMeanMs: number;
  frameP95Ms: number;
  frameMaxMs: number;
}

export default async function (args: string[]): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const recipients = option(args, 'recipients', 100_000);
  await ensureWebBuild({ quiet: true });
  const t = await startTestApp('sqlite');
  const browser = await openBrowser();
  try {
    const campaigns: Record<string, number> = {};
    for (const [label, size] of [['baseline 1k', 1000], [`${recipients / 1000}k`, recipients]] as const) {
      const scenario = await createScenario(t.ctx, { recipients: size, links: ['https://shop.example/spring', 'https://shop.example/summer', 'https://shop.example/bags'] });
      await addBehaviour(t, scenario.campaignId, scenario.links);
      campaigns[label] = scenario.campaignId;
    }
    const { password } = await createUser(t.ctx.store, 'bench@example.test', Date.now());
    const { page } = browser;
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Email').fill('bench@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();

    // One visit first, so that the first measured page does not pay for loading the app's code.
    await page.goto(`${t.baseUrl}/campaigns/${campaigns['baseline 1k']}/stats?tab=behavior`);
    await page.getByRole('table', { name: /Recipients of the active view/ }).getByRole('row').nth(1).waitFor();

    const results: Record<string, Figures> = {};
    for (const [label, id] of Object.entries(campaigns)) {
      let start = Date.now();
      await page.goto(`${t.baseUrl}/campaigns/${id}/stats`);
      await page.getByText('Open rate').waitFor();
      const statsMs = Date.now() - start;
      start = Date.now();
      await page.goto(`${t.baseUrl}/campaigns/${id}/stats?tab=behavior`);
      await page.getByRole('table', { name: /Recipients of the active view/ }).getByRole('row').nth(1).waitFor();
      await page.getByTestId('active-view-count').filter({ hasText: /Active view: [\d,]+ recipients/ }).waitFor();
      const behaviorMs = Date.now() - start;
      // 400 px per frame for 300 frames: about 2,700 rows, with pages loading on the way.
      const frames = await page.evaluate(async () => {
        const scroller = document.querySelector('[aria-label="Recipients, scrollable"]') as HTMLElement;
        const durations: number[] = [];
        let last = performance.now();
        for (let i = 0; i < 300; i++) {
          scroller.scrollTop += 400;
          await new Promise(requestAnimationFrame);
          const now = performance.now();
          durations.push(now - last);
          last = now;
        }
        return { durations, rows: Math.round(scroller.scrollTop / 44) };
      });
      const sorted = [...frames.durations].sort((a, b) => a - b);
      results[label] = {
        statsMs,
        behaviorMs,
        rowsScrolled: frames.rows,
        frameMeanMs: frames.durations.reduce((s, d) => s + d, 0) / frames.durations.length,
        frameP95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
        frameMaxMs: sorted.at(-1)!,
      };
    }
    const [base, big] = Object.values(results) as [Figures, Figures];
    const row = (name: keyof Figures, unit: string) =>
      console.log(`${name.padEnd(14)} ${Object.values(results).map((r) => `${r[name].toFixed(1).padStart(9)} ${unit}`).join('  ')}   ratio ${(big[name] / base[name]).toFixed(2)}`);
    console.log(`${''.padEnd(14)} ${Object.keys(results).map((k) => k.padStart(12)).join('  ')}`);
    row('statsMs', 'ms');
    row('behaviorMs', 'ms');
    row('rowsScrolled', '  ');
    row('frameMeanMs', 'ms');
    row('frameP95Ms', 'ms');
    row('frameMaxMs', 'ms');
  } finally {
    await browser.close();
    await t.close();
  }
}
