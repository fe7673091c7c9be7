import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ricochetArgs } from '../../test/support/compiled.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { countersFromEvents, createScenario, storedCounters } from '../../test/support/trackingScenario.js';

const run = promisify(execFile);
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
  'Mozilla/5.0',
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  'python-requests/2.31.0',
];

/** Deterministic pseudo-random numbers (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describeEachDatabase('ricochet rebuild-stats', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    t.clock.now = Date.UTC(2026, 8, 1, 9, 0, 0);
  });
  afterAll(() => t.close());

  const cli = (...args: string[]) =>
    run(process.execPath, ricochetArgs(...args), {
      env: { ...process.env, DATABASE_URL: t.ctx.config.databaseUrl, DATA_DIR: t.ctx.config.dataDir, SECRET: t.ctx.secret.toString(), LOG_LEVEL: 'silent' },
    });

  it('recomputes from the events exactly the counters ingestion produced', async () => {
    const s = await createScenario(t.ctx, { recipients: 20, withoutConsent: 2, links: ['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/c'] });
    const next = random(20260901);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    // 40 rounds of 10 concurrent requests: opens and clicks, HEADs, scanners, honeypot hits, bursts and pauses.
    for (let round = 0; round < 40; round++) {
      t.clock.advance(next() < 0.2 ? Math.floor(next() * 7_200_000) : Math.floor(next() * 3_000));
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const index = Math.floor(next() * s.messages.length);
          const isClick = next() < 0.45;
          const path = isClick ? `/t/c/${s.token(index, 'click', 1 + Math.floor(next() * 4))}` : `/t/o/${s.token(index, 'open')}`;
          const response = await fetch(t.baseUrl + path, { method: next() < 0.05 ? 'HEAD' : 'GET', redirect: 'manual', headers: { 'user-agent': pick(USER_AGENTS) } });
          expect(response.status).toBe(isClick ? 302 : 200);
        }),
      );
    }
    const ingested = await storedCounters(t.ctx, s.campaignId);
    expect(ingested).toEqual(await countersFromEvents(t.ctx, s.campaignId));
    const labels = await t.ctx.store.db.selectFrom('events').select('reason').distinct().where('campaign_id', '=', s.campaignId).execute();
    expect(labels.length).toBeGreaterThanOrEqual(6); // the scenario did exercise most rules
    expect(Object.values(ingested.messages).some((m) => m.human_clicks! > 0 && m.human_clicks! < m.clicks!)).toBe(true);

    // Damage every counter, then rebuild through the real command.
    await t.ctx.store.db
      .updateTable('messages')
      .set({ opens: 99, human_opens: 0, clicks: 7, human_clicks: 7, first_open_at: 1, last_click_at: null, first_human_click_at: 5 })
      .where('campaign_id', '=', s.campaignId)
      .execute();
    await t.ctx.store.db.deleteFrom('message_links').where('message_id', '=', s.messages[5]!.id).execute();
    await t.ctx.store.db
      .insertInto('message_links')
      .values({ message_id: s.messages[19]!.id, link_id: s.links[2]!.id, campaign_id: s.campaignId, clicks: 42, human_clicks: 42, first_click_at: 1, last_click_at: 2 })
      .onConflict((oc) => oc.columns(['message_id', 'link_id']).doUpdateSet({ clicks: 42 }))
      .execute();

    const events = (await t.ctx.store.db.selectFrom('events').select('id').where('campaign_id', '=', s.campaignId).where('message_id', 'is not', null).execute()).length;
    const { stdout } = await cli('rebuild-stats', String(s.campaignId));
    expect(stdout.trim().split('\n').pop()).toBe(`Campaign ${s.campaignId}: counters of 20 messages rebuilt from ${events} events`);
    expect(await storedCounters(t.ctx, s.campaignId)).toEqual(ingested);
  });

  it('says so when the campaign does not exist, or is not in the workspace named', async () => {
    const s = await createScenario(t.ctx, { recipients: 1, links: [] });
    const { id: other } = await t.ctx.store.db.insertInto('workspaces').values({ name: 'Brand B', created_at: 0 }).returning('id').executeTakeFirstOrThrow();
    const failures = await Promise.all(
      [['999999'], [String(s.campaignId), '--workspace', String(other)]].map((args) => cli('rebuild-stats', ...args).catch((error: { code: number; stderr: string }) => error)),
    );
    for (const failure of failures) {
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toContain('Campaign not found');
    }
  });
});
