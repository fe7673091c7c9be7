import { sql } from 'kysely';
import type { AppContext, WorkspaceContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { describeUserAgent, type Device } from './devices.js';
import type { CampaignStats } from './schemas.js';
import { countVariants, criterionTrials, ENGAGEMENT, probabilityBest, type Criterion } from './variants.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The timeline is hourly for this long after the send started, then daily. */
const HOURLY_SPAN = 48 * HOUR;
const MAX_TIMELINE_BUCKETS = 48 + 3 * 366;

const n = (value: unknown) => Number(value ?? 0);
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * GET /api/campaigns/:id/stats — the overview (SPEC §2 and §7), per-link figures,
 * the timeline and the device/client/OS breakdown. Recipient counts come from the
 * counters on `messages`; anonymous opens and clicks (no tracking consent) from
 * `events`, in totals only. A campaign of another workspace is not found.
 */
export async function campaignStats(ctx: WorkspaceContext, campaignId: number): Promise<CampaignStats> {
  const db = ctx.store.db;
  const campaign = await db
    .selectFrom('campaigns')
    .select(['id', 'channel', 'sent_at', 'ab_test', 'ab_status', 'ab_winner', 'ab_reason', 'ab_decide_at', 'ab_decided_at'])
    .where('id', '=', campaignId)
    .where('workspace_id', '=', ctx.workspaceId)
    .executeTakeFirst();
  if (!campaign) throw notFound('Campaign');
  const sms = campaign.channel === 'sms';

  const m = await db
    .selectFrom('messages')
    .where('campaign_id', '=', campaignId)
    .select([
      sql<number>`count(*)`.as('recipients'),
      ...ENGAGEMENT,
      sql<number>`sum(case when status = 'skipped' then 1 else 0 end)`.as('skipped'),
      sql<number>`sum(case when status = 'bounced' and bounce_type = 'soft' then 1 else 0 end)`.as('soft'),
      sql<number>`sum(case when status = 'bounced' and (bounce_type is null or bounce_type <> 'soft') then 1 else 0 end)`.as('hard'),
      sql<number>`count(unsubscribed_at)`.as('unsubscribed'),
      sql<number>`count(complained_at)`.as('complained'),
      sql<number | null>`min(sent_at)`.as('first_sent_at'),
    ])
    .executeTakeFirstOrThrow();

  const anonymous = await db
    .selectFrom('events')
    .where('campaign_id', '=', campaignId)
    .where('message_id', 'is', null)
    .where('type', 'in', ['open', 'click'])
    .groupBy(['type', 'human', 'link_id'])
    .select(['type', 'human', 'link_id', sql<number>`count(*)`.as('n')])
    .execute();
  const anonymousCount = (type: 'open' | 'click', humanOnly = false, linkId?: number) =>
    anonymous.filter((a) => a.type === type && (!humanOnly || a.human === 1) && (linkId === undefined || a.link_id === linkId)).reduce((sum, a) => sum + n(a.n), 0);

  const received = n(m.received);
  const openers = sms ? 0 : n(m.openers);
  const humanOpeners = sms ? 0 : n(m.human_openers);
  const clickers = n(m.clickers);
  const humanClickers = n(m.human_clickers);
  const rates = (opened: number, clicked: number) => ({
    open: sms ? null : ratio(opened, received),
    click: ratio(clicked, received),
    clickToOpen: sms ? null : ratio(clicked, opened),
  });
  const start = campaign.sent_at ?? m.first_sent_at;

  return {
    campaignId,
    channel: campaign.channel,
    recipients: n(m.recipients),
    sent: n(m.sent),
    received,
    skipped: n(m.skipped),
    bounced: { hard: n(m.hard), soft: n(m.soft) },
    opens: sms
      ? { total: 0, human: 0, unique: 0, humanUnique: 0, anonymous: 0 }
      : {
          total: n(m.opens) + anonymousCount('open'),
          human: n(m.human_opens) + anonymousCount('open', true),
          unique: openers,
          humanUnique: humanOpeners,
          anonymous: anonymousCount('open'),
        },
    clicks: {
      total: n(m.clicks) + anonymousCount('click'),
      human: n(m.human_clicks) + anonymousCount('click', true),
      unique: clickers,
      humanUnique: humanClickers,
      anonymous: anonymousCount('click'),
    },
    unsubscribed: n(m.unsubscribed),
    complained: n(m.complained),
    rates: rates(openers, clickers),
    humanRates: rates(humanOpeners, humanClickers),
    links: await linkStats(ctx, campaignId, anonymousCount),
    timeline: start === null ? [] : await timeline(ctx, campaignId, start, sms),
    breakdown: await breakdown(ctx, campaignId, sms),
    ...(await abStats(ctx, campaign, sms)),
  };
}

/** Each variant side by side with the probability that it is best on the test's criterion, and the test's state. */
async function abStats(
  ctx: WorkspaceContext,
  campaign: { id: number; channel: string; ab_test: unknown; ab_status: 'testing' | 'decided' | 'sent' | null; ab_winner: string | null; ab_reason: string | null; ab_decide_at: number | null; ab_decided_at: number | null },
  sms: boolean,
): Promise<Pick<CampaignStats, 'variants' | 'ab'>> {
  const test = ctx.store.dialect.readJson(campaign.ab_test) as { criterion?: Criterion } | null;
  if (!test) return { variants: [], ab: null };
  const criterion = test.criterion ?? 'humanClickRate';
  const counts = await countVariants(ctx, campaign.id, campaign);
  const best = probabilityBest(counts.map((v) => criterionTrials(v, criterion)));
  const rates = (received: number, opened: number, clicked: number) => ({
    open: sms ? null : ratio(opened, received),
    click: ratio(clicked, received),
    clickToOpen: sms ? null : ratio(clicked, opened),
  });
  return {
    variants: counts.map((v, i) => ({
      key: v.key,
      sent: v.sent,
      received: v.received,
      opens: { total: v.openEvents, human: v.humanOpenEvents, unique: v.opens, humanUnique: v.humanOpens },
      clicks: { total: v.clickEvents, human: v.humanClickEvents, unique: v.clicks, humanUnique: v.humanClicks },
      rates: rates(v.received, v.opens, v.clicks),
      humanRates: rates(v.received, v.humanOpens, v.humanClicks),
      probabilityBest: best[i]!,
    })),
    ab: campaign.ab_status
      ? {
          status: campaign.ab_status,
          winner: campaign.ab_winner,
          reason: campaign.ab_reason,
          criterion,
          decideAt: iso(campaign.ab_decide_at),
          decidedAt: iso(campaign.ab_decided_at),
        }
      : null,
  };
}

/** The campaign's links (the honeypot excluded) with their clicks and clickers. */
async function linkStats(ctx: AppContext, campaignId: number, anonymousCount: (type: 'click', humanOnly: boolean, linkId: number) => number) {
  const links = await ctx.store.db
    .selectFrom('links')
    .select(['id', 'position', 'url'])
    .where('campaign_id', '=', campaignId)
    .where('kind', '=', 'link')
    .orderBy('position')
    .execute();
  if (!links.length) return [];
  const counts = await ctx.store.db
    .selectFrom('message_links')
    .where(
      'link_id',
      'in',
      links.map((l) => l.id),
    )
    .groupBy('link_id')
    .select([
      'link_id',
      sql<number>`sum(clicks)`.as('clicks'),
      sql<number>`sum(human_clicks)`.as('human_clicks'),
      sql<number>`count(*)`.as('clickers'),
      sql<number>`sum(case when human_clicks > 0 then 1 else 0 end)`.as('human_clickers'),
    ])
    .execute();
  const byLink = new Map(counts.map((c) => [c.link_id, c]));
  return links.map((link) => {
    const c = byLink.get(link.id);
    return {
      id: link.id,
      position: link.position,
      url: link.url,
      clicks: n(c?.clicks) + anonymousCount('click', false, link.id),
      humanClicks: n(c?.human_clicks) + anonymousCount('click', true, link.id),
      uniqueClickers: n(c?.clickers),
      humanUniqueClickers: n(c?.human_clickers),
    };
  });
}

/** Opens and clicks per hour for the first 48 hours after the send started (on the hour), then per day, up to now. */
async function timeline(ctx: AppContext, campaignId: number, sentAt: number, sms: boolean) {
  const start = Math.floor(sentAt / HOUR) * HOUR;
  const rows = await ctx.store.db
    .selectFrom('events')
    .where('campaign_id', '=', campaignId)
    .where('type', 'in', ['open', 'click'])
    .where('at', '>=', start)
    .select([sql<number>`cast((at - ${start}) / ${HOUR} as integer)`.as('hour'), 'type', 'human', sql<number>`count(*)`.as('n')])
    .groupBy([sql.ref('hour'), 'type', 'human'])
    .execute();

  const bucketOf = (hour: number) => (hour < 48 ? hour : 48 + Math.floor((hour - 48) / 24));
  const lastHour = Math.max(Math.floor((ctx.now() - start) / HOUR), ...rows.map((r) => n(r.hour)));
  const buckets = Array.from({ length: Math.min(bucketOf(lastHour) + 1, MAX_TIMELINE_BUCKETS) }, (_, i) => ({
    at: iso(i < 48 ? start + i * HOUR : start + HOURLY_SPAN + (i - 48) * DAY)!,
    span: i < 48 ? ('hour' as const) : ('day' as const),
    opens: 0,
    clicks: 0,
    humanOpens: 0,
    humanClicks: 0,
  }));
  for (const row of rows) {
    const bucket = buckets[bucketOf(n(row.hour))];
    if (!bucket || (sms && row.type === 'open')) continue;
    const count = n(row.n);
    if (row.type === 'open') {
      bucket.opens += count;
      if (row.human === 1) bucket.humanOpens += count;
    } else {
      bucket.clicks += count;
      if (row.human === 1) bucket.humanClicks += count;
    }
  }
  return buckets;
}

/** Opens and clicks by device type, client and OS, from each distinct user agent; `human` counts people's events only. */
async function breakdown(ctx: AppContext, campaignId: number, sms: boolean) {
  const rows = await ctx.store.db
    .selectFrom('events')
    .where('campaign_id', '=', campaignId)
    .where('type', 'in', sms ? ['click'] : ['open', 'click'])
    .groupBy(['user_agent', 'type', 'human'])
    .select(['user_agent', 'type', 'human', sql<number>`count(*)`.as('n')])
    .execute();
  const tallies = () => ({ devices: new Map<string, Tally>(), clients: new Map<string, Tally>(), os: new Map<string, Tally>() });
  const all = tallies();
  const human = tallies();
  const keys: Record<keyof typeof all, keyof Device> = { devices: 'device', clients: 'client', os: 'os' };
  for (const row of rows) {
    const described = describeUserAgent(row.user_agent);
    for (const into of row.human === 1 ? [all, human] : [all]) {
      for (const [dimension, tally] of Object.entries(into) as Array<[keyof typeof all, Map<string, Tally>]>) {
        const name = described[keys[dimension]];
        const entry = tally.get(name) ?? { name, opens: 0, clicks: 0 };
        if (row.type === 'open') entry.opens += n(row.n);
        else entry.clicks += n(row.n);
        tally.set(name, entry);
      }
    }
  }
  const sorted = (tally: Map<string, Tally>) => [...tally.values()].sort((a, b) => b.opens + b.clicks - (a.opens + a.clicks) || a.name.localeCompare(b.name));
  const lists = (t: ReturnType<typeof tallies>) => ({ devices: sorted(t.devices), clients: sorted(t.clients), os: sorted(t.os) });
  return { ...lists(all), human: lists(human) };
}

interface Tally {
  name: string;
  opens: number;
  clicks: number;
}
