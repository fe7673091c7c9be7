import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { addCampaign, addContact, addMessage, type MessageSpec } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import type { FilterNode } from '../audience/filter.js';
import { inView, matches, type MessageFacts, type RecipientFacts } from '../audience/reference.js';
import { probabilityBest, variantFigures } from './variants.js';

/*
 * A hand-built A/B test: variant A's opens and clicks come mostly from machines (privacy
 * proxies, a scanner), variant B's from people, and the rest of the audience waits with no
 * variant. Stats count each variant exactly as the campaign's overview counts recipients,
 * and the { variant } filter keeps exactly that variant's rows, as the reference evaluator does.
 */

const DECIDE_AT = Date.UTC(2026, 11, 2, 1, 0);

type Spec = MessageSpec & { name: string; variant: string | null };
const MESSAGES: Spec[] = [
  { name: 'a1', variant: 'A', opens: 3 }, // privacy proxy only
  { name: 'a2', variant: 'A', opens: 1, humanOpens: 1, clicks: 2, humanClicks: 1 },
  { name: 'a3', variant: 'A', status: 'bounced' },
  { name: 'a4', variant: 'A', opens: 2, clicks: 1 }, // a scanner followed the link
  { name: 'b1', variant: 'B', opens: 1, humanOpens: 1 },
  { name: 'b2', variant: 'B', clicks: 1, humanClicks: 1 }, // a click implies an open
  { name: 'b3', variant: 'B', opens: 1, humanOpens: 1, clicks: 1, humanClicks: 1 },
  { name: 'r1', variant: null, status: 'queued' },
  { name: 'r2', variant: null, status: 'queued' },
  { name: 'r3', variant: null, opens: 4, humanOpens: 4, clicks: 4, humanClicks: 4 }, // never counted: no variant
];

describeEachDatabase('A/B variants in stats and the variant filter', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  let plainId: number;
  const contactOf = new Map<string, number>();
  const facts: Array<RecipientFacts & { name: string; contactId: number }> = [];

  beforeAll(async () => {
    t.clock.now = DECIDE_AT - 30 * 60_000;
    campaignId = (await addCampaign(t.ctx, { name: 'Subject test' })).id;
    plainId = (await addCampaign(t.ctx, { name: 'No test' })).id;
    await t.ctx.store.db
      .updateTable('campaigns')
      .set({
        ab_test: t.ctx.store.dialect.writeJson({ variants: [{ key: 'A' }, { key: 'B', subject: 'Last days: -20%' }], testPercent: 20, criterion: 'humanClickRate', waitMinutes: 60 }),
        ab_seed: 42,
        ab_status: 'testing',
        ab_decide_at: DECIDE_AT,
        status: 'sending',
      })
      .where('id', '=', campaignId)
      .execute();
    for (const spec of MESSAGES) {
      const contactId = await addContact(t.ctx, { email: `${spec.name}@ricochet.test`, firstName: spec.name });
      contactOf.set(spec.name, contactId);
      await addMessage(t.ctx, campaignId, contactId, spec);
      const message: MessageFacts = {
        status: spec.status ?? 'delivered',
        bounceType: spec.status === 'bounced' ? 'hard' : null,
        contactState: 0,
        opens: spec.opens ?? 0,
        humanOpens: spec.humanOpens ?? 0,
        clicks: spec.clicks ?? 0,
        humanClicks: spec.humanClicks ?? 0,
        ...{ firstOpenAt: null, lastOpenAt: null, firstHumanOpenAt: null, lastHumanOpenAt: null, firstClickAt: null, lastClickAt: null, firstHumanClickAt: null, lastHumanClickAt: null },
        unsubscribedAt: null,
        complainedAt: null,
        variant: spec.variant,
      };
      const contact = { email: `${spec.name}@ricochet.test`, phone: null, firstName: spec.name, lastName: null, createdAt: t.clock.now, fields: {}, lists: [] };
      facts.push({ name: spec.name, contactId, message, links: {}, contact, otherCampaigns: {} });
      await addMessage(t.ctx, plainId, contactId, { opens: 1, humanOpens: 1 });
    }
  });

  it('gives each variant its figures, only the test group counting', async () => {
    expect(await variantFigures(t.ctx, campaignId)).toEqual([
      { key: 'A', sent: 4, received: 3, opens: 3, clicks: 2, humanOpens: 1, humanClicks: 1 },
      { key: 'B', sent: 3, received: 3, opens: 3, clicks: 2, humanOpens: 3, humanClicks: 2 },
    ]);
  });

  it('shows the variants side by side in the stats, with all-events and human rates and the probability best on the criterion', async () => {
    const stats = await t.api('GET', `/api/campaigns/${campaignId}/stats`);
    expect(stats.status).toBe(200);
    const [bestA, bestB] = probabilityBest([
      { successes: 1, trials: 3 },
      { successes: 2, trials: 3 },
    ]);
    expect(bestB).toBeGreaterThan(0.7);
    expect(stats.body.variants).toEqual([
      {
        key: 'A',
        sent: 4,
        received: 3,
        opens: { total: 6, human: 1, unique: 3, humanUnique: 1 },
        clicks: { total: 3, human: 1, unique: 2, humanUnique: 1 },
        rates: { open: 1, click: 2 / 3, clickToOpen: 2 / 3 },
        humanRates: { open: 1 / 3, click: 1 / 3, clickToOpen: 1 },
        probabilityBest: bestA,
      },
      {
        key: 'B',
        sent: 3,
        received: 3,
        opens: { total: 2, human: 2, unique: 3, humanUnique: 3 },
        clicks: { total: 2, human: 2, unique: 2, humanUnique: 2 },
        rates: { open: 1, click: 2 / 3, clickToOpen: 2 / 3 },
        humanRates: { open: 1, click: 2 / 3, clickToOpen: 2 / 3 },
        probabilityBest: bestB,
      },
    ]);
    expect(stats.body.ab).toEqual({
      status: 'testing',
      winner: null,
      reason: null,
      criterion: 'humanClickRate',
      decideAt: new Date(DECIDE_AT).toISOString(),
      decidedAt: null,
    });
    // The campaign's own figures still count everyone, the waiting rest included.
    expect(stats.body.recipients).toBe(MESSAGES.length);

    const plain = await t.api('GET', `/api/campaigns/${plainId}/stats`);
    expect(plain.body).toMatchObject({ variants: [], ab: null, recipients: MESSAGES.length });
  });

  it('shows a decided test with its winner and reason, the probability best following the criterion', async () => {
    await t.ctx.store.db
      .updateTable('campaigns')
      .set({
        ab_test: t.ctx.store.dialect.writeJson({ variants: [{ key: 'A' }, { key: 'B', subject: 'Last days' }, { key: 'C', subject: 'Ends tonight' }], testPercent: 30, criterion: 'humanOpenRate', waitMinutes: 60 }),
        ab_status: 'decided',
        ab_winner: 'B',
        ab_reason: 'Chosen by Ann',
        ab_decided_at: DECIDE_AT,
      })
      .where('id', '=', campaignId)
      .execute();
    const stats = await t.api('GET', `/api/campaigns/${campaignId}/stats`);
    const best = probabilityBest([
      { successes: 1, trials: 3 },
      { successes: 3, trials: 3 },
      { successes: 0, trials: 0 },
    ]);
    // C sent to nobody yet: listed with zeros.
    expect(stats.body.variants.map((v: any) => [v.key, v.sent, v.received, v.probabilityBest])).toEqual([
      ['A', 4, 3, best[0]],
      ['B', 3, 3, best[1]],
      ['C', 0, 0, best[2]],
    ]);
    expect(stats.body.variants[2].rates).toEqual({ open: 0, click: 0, clickToOpen: 0 });
    expect(stats.body.ab).toMatchObject({ status: 'decided', winner: 'B', reason: 'Chosen by Ann', criterion: 'humanOpenRate', decidedAt: new Date(DECIDE_AT).toISOString() });
  });

  const rows = async (filter: FilterNode) => {
    const page = await t.api('GET', `/api/campaigns/${campaignId}/recipients?limit=100&filter=${encodeURIComponent(JSON.stringify(filter))}`);
    expect(page.status, JSON.stringify(filter)).toBe(200);
    return page.body as { total: number; items: Array<{ contactId: number; firstName: string; variant: string | null }> };
  };
  const reference = (filter: FilterNode) =>
    facts
      .filter((f) => inView(f.message) && matches(filter, f, { human: false, now: t.clock.now }))
      .map((f) => f.contactId)
      .sort((a, b) => a - b);

  it('keeps exactly one variant with { variant }, as the reference evaluator does, each row naming its variant', async () => {
    const a = await rows({ variant: 'A' });
    expect(a.items.map((r) => r.firstName)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(a.total).toBe(4);
    expect(a.items.every((r) => r.variant === 'A')).toBe(true);
    expect((await rows({ variant: 'C' })).total).toBe(0);

    const cases: FilterNode[] = [
      { variant: 'A' },
      { variant: 'B' },
      { not: { variant: 'A' } },
      { match: 'all', conditions: [{ variant: 'B' }, { field: 'clicked', op: 'is', value: true, human: true }] },
      { match: 'any', conditions: [{ variant: 'A' }, { field: 'received', op: 'is', value: false }] },
      { not: { match: 'any', conditions: [{ variant: 'A' }, { variant: 'B' }] } },
    ];
    for (const filter of cases) {
      const page = await rows(filter);
      expect(page.items.map((r) => r.contactId).sort((x, y) => x - y), JSON.stringify(filter)).toEqual(reference(filter));
      expect(page.total).toBe(page.items.length);
    }
    // Those still waiting for the winner have no variant: { not: A or B } is exactly them.
    const waiting = await rows({ not: { match: 'any', conditions: [{ variant: 'A' }, { variant: 'B' }] } });
    expect(waiting.items.map((r) => [r.firstName, r.variant])).toEqual([
      ['r1', null],
      ['r2', null],
      ['r3', null],
    ]);
  });

  it('exports the variant column with the rows of the view', async () => {
    const response = await fetch(`${t.baseUrl}/api/campaigns/${campaignId}/recipients/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { variant: 'B' } }),
    });
    expect(response.status).toBe(200);
    const records = parse((await response.text()).replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => [r.firstName, r.variant])).toEqual([
      ['b1', 'B'],
      ['b2', 'B'],
      ['b3', 'B'],
    ]);
  });
});
