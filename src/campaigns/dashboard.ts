import { sql } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import { iso } from '../http/schemas.js';
import type { Dashboard } from './dashboardSchemas.js';
import { campaignProgress } from './sending.js';

const DAY = 86_400_000;
const RECENT = 5;
const n = (value: unknown) => Number(value ?? 0);
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** GET /api/dashboard: what a marketer looks at first, in three small queries over indexed rows. */
export async function dashboard(ctx: WorkspaceContext): Promise<Dashboard> {
  const [recent, growth, sendingNow] = await Promise.all([recentCampaigns(ctx), audienceGrowth(ctx), inFlight(ctx)]);
  return { recent, growth, sendingNow };
}

/** The last sends, not archived, with the same counts as their stats: received = delivered, an opener by a human open or click. */
async function recentCampaigns(ctx: WorkspaceContext): Promise<Dashboard['recent']> {
  const campaigns = await ctx.store.db
    .selectFrom('campaigns')
    .select(['id', 'name', 'channel', 'status', 'sent_at'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('sent_at', 'is not', null)
    .where('archived_at', 'is', null)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(RECENT)
    .execute();
  if (!campaigns.length) return [];
  const counts = await ctx.store.db
    .selectFrom('messages')
    .where(
      'campaign_id',
      'in',
      campaigns.map((c) => c.id),
    )
    .groupBy('campaign_id')
    .select([
      'campaign_id',
      sql<number>`sum(case when status = 'delivered' then 1 else 0 end)`.as('received'),
      sql<number>`sum(case when human_opens > 0 or human_clicks > 0 then 1 else 0 end)`.as('human_openers'),
      sql<number>`sum(case when human_clicks > 0 then 1 else 0 end)`.as('human_clickers'),
    ])
    .execute();
  const byCampaign = new Map(counts.map((c) => [c.campaign_id, c]));
  return campaigns.map((c) => {
    const figures = byCampaign.get(c.id);
    const received = n(figures?.received);
    return {
      id: c.id,
      name: c.name,
      channel: c.channel,
      status: c.status,
      sentAt: iso(c.sent_at),
      received,
      humanOpenRate: c.channel === 'sms' ? null : ratio(n(figures?.human_openers), received),
      humanClickRate: ratio(n(figures?.human_clickers), received),
    };
  });
}

const subscribedNow = sql<boolean>`(email_status = 'subscribed' or sms_status = 'subscribed')`;

/** New contacts per UTC day over the last 30 days (today included), counted if they are subscribed now. */
async function audienceGrowth(ctx: WorkspaceContext): Promise<Dashboard['growth']> {
  const since = Math.floor(ctx.now() / DAY) * DAY - 29 * DAY;
  const live = ctx.store.db.selectFrom('contacts').where('workspace_id', '=', ctx.workspaceId).where('erased_at', 'is', null).where(subscribedNow);
  const [perDay, total] = await Promise.all([
    live
      .where('created_at', '>=', since)
      .select([sql<number>`cast((created_at - ${since}) / ${DAY} as integer)`.as('day'), sql<number>`count(*)`.as('n')])
      .groupBy(sql.ref('day'))
      .execute(),
    live.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const days = Array.from({ length: 30 }, (_, i) => ({ day: iso(since + i * DAY)!.slice(0, 10), added: 0 }));
  for (const row of perDay) {
    const day = days[n(row.day)];
    if (day) day.added += n(row.n);
  }
  return { since: iso(since)!, added: days.reduce((sum, d) => sum + d.added, 0), subscribed: n(total.n), days };
}

/** Campaigns sending or paused mid-send, oldest start first, with their progress. */
async function inFlight(ctx: WorkspaceContext): Promise<Dashboard['sendingNow']> {
  const campaigns = await ctx.store.db
    .selectFrom('campaigns')
    .select(['id', 'name', 'channel', 'status'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', 'in', ['sending', 'paused'])
    .orderBy('id')
    .limit(10)
    .execute();
  return Promise.all(campaigns.map(async (c) => ({ ...c, progress: await campaignProgress(ctx, c.id) })));
}
