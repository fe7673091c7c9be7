import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import type { Store } from '../db/connection.js';
import type { CampaignRow, Database } from '../db/schema.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { badRequest, conflict } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { foldAll } from '../tracking/fold.js';
import { chooseWinner, variantFigures } from '../tracking/variants.js';
import { campaignRow, toCampaign } from './campaigns.js';
import type { AbTest, Campaign, VariantKey } from './schemas.js';

/**
 * A/B tests (SPEC §11). When an A/B campaign starts, its test group is drawn from the
 * queued messages and split evenly between the variants; the rest wait (queued, not due)
 * until a winner is chosen, which sends them that variant.
 *
 * Everything is state in the database, so a worker killed at any point resumes: a
 * message's variant is set once (the test group's when drawn, the rest's when the
 * winner is chosen, by an UPDATE that only touches messages without one), and the
 * decision is one conditional UPDATE (… WHERE ab_status = 'testing') that only one
 * worker, or one person, can win.
 */

/** When the messages waiting for the winner are due: never, until a decision makes them due now. */
export const WAITING_FOR_WINNER = 8_640_000_000_000_000;

const M = 2_147_483_648;

/**
 * A pseudo-random rank of each contact from the seed, in integer arithmetic that SQLite and
 * PostgreSQL compute alike (every product stays under 2^63): an affine step, then two
 * middle-square rounds, which are not linear in the id, so the group shows no pattern of ids.
 */
function rank(seed: number) {
  const x1 = sql<number>`((m.contact_id % ${sql.lit(M)}) * 1103515245 + cast(${seed} as bigint)) % ${sql.lit(M)}`;
  const round = (x: string) => sql<number>`((${sql.ref(x)} * ${sql.ref(x)}) / 32768 + ${sql.ref(x)} * 69069 + cast(${seed} as bigint)) % ${sql.lit(M)}`;
  return { x1, round };
}

const TESTING_REASON = 'A/B test: the winner is chosen at ';
const testingReason = (decideAt: number) => `${TESTING_REASON}${iso(decideAt)}`;

/** The status reason a sending campaign shows while its test runs, or null. */
export function abHoldReason(campaign: Pick<CampaignRow, 'ab_status' | 'ab_decide_at'>): string | null {
  return campaign.ab_status === 'testing' && campaign.ab_decide_at !== null ? testingReason(campaign.ab_decide_at) : null;
}

const readTest = (store: Store, campaign: Pick<CampaignRow, 'ab_test'>) => (store.dialect.readJson(campaign.ab_test) ?? null) as AbTest | null;

/**
 * Draws the test group of a campaign that starts sending, in the transaction that froze its audience:
 * testPercent % of the queued messages (rounded), ranked by a hash of (seed, contact) and dealt A, B, …
 * in turn, so the variants' sizes differ by one at most and the same seed draws the same group. The others
 * wait for the winner. A relaunch of an A/B campaign runs no test: each recipient gets the variant they had.
 */
export async function drawTestGroup(db: Kysely<Database>, store: Store, campaign: CampaignRow): Promise<void> {
  const test = readTest(store, campaign);
  if (!test) return;
  if (campaign.ab_status === 'sent') return keepParentVariants(db, campaign);
  if (campaign.ab_status !== null) return;
  const seed = campaign.ab_seed ?? randomInt(M);
  // The transaction that starts the send set sent_at from the context's clock.
  const decideAt = (campaign.sent_at ?? Date.now()) + test.waitMinutes * 60_000;
  await db
    .updateTable('campaigns')
    .set({ ab_seed: seed, ab_status: 'testing', ab_decide_at: decideAt, status_reason: testingReason(decideAt) })
    .where('id', '=', campaign.id)
    .execute();
  await dealVariants(db, campaign.id, seed, test);
}

/** Gives the test group its variants and makes the others wait: the same seed and messages deal the same way. */
export async function dealVariants(db: Kysely<Database>, campaignId: number, seed: number, test: Pick<AbTest, 'variants' | 'testPercent'>): Promise<void> {
  const { count } = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  const size = Math.round((Number(count) * test.testPercent) / 100);
  const keys = test.variants.map((v) => v.key);
  const { x1, round } = rank(seed);
  const dealt = sql.join(keys.map((key, i) => sql`when ${sql.lit(i)} then ${key}`), sql` `);
  await sql`
    update messages set variant = case (d.rn - 1) % ${sql.lit(keys.length)} ${dealt} end
    from (
      select id, row_number() over (order by x3, contact_id, id) as rn
      from (select id, contact_id, ${round('x2')} as x3
        from (select id, contact_id, ${round('x1')} as x2
          from (select m.id, m.contact_id, ${x1} as x1 from messages m where m.campaign_id = ${campaignId} and m.status = 'queued') h1) h2) h3
    ) as d
    where messages.id = d.id and d.rn <= ${size}`.execute(db);
  await db
    .updateTable('messages')
    .set({ next_attempt_at: WAITING_FOR_WINNER })
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .where('variant', 'is', null)
    .execute();
}

/** A relaunch: each recipient gets the variant of their message in the original; one who had none, its winner (or A). */
async function keepParentVariants(db: Kysely<Database>, campaign: CampaignRow): Promise<void> {
  if (campaign.parent_campaign_id === null) return;
  const parent = await db.selectFrom('campaigns').select('ab_winner').where('id', '=', campaign.parent_campaign_id).executeTakeFirst();
  const fallback = parent?.ab_winner ?? campaign.ab_winner ?? 'A';
  await db
    .updateTable('messages')
    .set((eb) => ({
      variant: eb.fn.coalesce(
        eb
          .selectFrom('messages as p')
          .select('p.variant')
          .where('p.campaign_id', '=', campaign.parent_campaign_id!)
          .whereRef('p.contact_id', '=', 'messages.contact_id'),
        eb.val(fallback),
      ),
    }))
    .where('campaign_id', '=', campaign.id)
    .execute();
}

/**
 * The decision, once: the campaign's test ends with `winner` and the messages waiting get it and
 * are due now, in one transaction. Undefined when the test was no longer running (decided already).
 */
async function decide(ctx: WorkspaceContext, id: number, winner: string, reason: string, audit: boolean): Promise<CampaignRow | undefined> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const row = await trx
      .updateTable('campaigns')
      .set({ ab_status: 'decided', ab_winner: winner, ab_reason: reason, ab_decided_at: now, updated_at: now })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .where('ab_status', '=', 'testing')
      .where('status', '<>', 'cancelled')
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await trx
      .updateTable('messages')
      .set({ variant: winner, next_attempt_at: now, ab_rest: 1 })
      .where('campaign_id', '=', id)
      .where('status', '=', 'queued')
      .where('variant', 'is', null)
      .execute();
    // The wait is over; a pause's reason stays.
    await trx.updateTable('campaigns').set({ status_reason: null }).where('id', '=', id).where('status_reason', 'like', `${TESTING_REASON}%`).execute();
    if (audit) await recordAudit(ctx, { action: 'campaign.ab_winner', objectType: 'campaign', objectId: id, details: { variant: winner, reason } }, trx);
    return row;
  });
}

/** An admin picks the winner now (POST /api/campaigns/:id/ab/winner). */
export async function pickWinner(ctx: WorkspaceContext, id: number, variant: VariantKey): Promise<Campaign> {
  const row = await campaignRow(ctx, id);
  const test = readTest(ctx.store, row);
  if (!test) throw conflict('This campaign has no A/B test', { ab: null });
  const keys = test.variants.map((v) => v.key);
  if (!keys.includes(variant)) throw badRequest(`$.variant: this campaign's variants are ${keys.join(', ')}`, '$.variant');
  const refused = () => conflict(`The A/B test is not running (${row.ab_status ?? 'not started'}): a winner is chosen only while it is`, { ab: row.ab_status });
  if (row.ab_status !== 'testing' || row.status === 'cancelled') throw refused();
  if (!(await decide(ctx, id, variant, `Chosen by ${ctx.actor.name}`, true))) throw refused();
  return toCampaign(await campaignRow(ctx, id), ctx.store);
}

/**
 * The scheduler's tick: tests whose wait is over are decided on human events (tracking/variants.ts),
 * a cancelled campaign's never; and a campaign sent with its winner says so (`sent`), also when the
 * worker that finished it died before saying it. Answers how many tests it decided.
 */
export async function decideDueTests(app: AppContext): Promise<number> {
  const due = await app.store.db
    .selectFrom('campaigns')
    .selectAll()
    .where('ab_status', '=', 'testing')
    .where('ab_decide_at', '<=', app.now())
    .where('status', '<>', 'cancelled')
    .orderBy('ab_decide_at')
    .execute();
  // Decided on every event recorded before the wait ended, not only on those the folder has reached.
  if (due.length) await foldAll(app);
  let decided = 0;
  for (const row of due) {
    const ctx = inWorkspace(app, row.workspace_id);
    const test = readTest(app.store, row);
    const keys: string[] = test?.variants.map((v) => v.key) ?? ['A'];
    const figures = (await variantFigures(ctx, row.id)).filter((f) => keys.includes(f.key));
    const choice = chooseWinner(figures, test?.criterion ?? 'humanClickRate');
    const winner = keys.includes(choice.winner) ? choice.winner : keys[0]!;
    if (await decide(ctx, row.id, winner, choice.reason, false)) decided++;
  }
  await app.store.db.updateTable('campaigns').set({ ab_status: 'sent' }).where('ab_status', '=', 'decided').where('status', '=', 'sent').execute();
  return decided;
}

/** Once a campaign whose winner went out is sent, its test is `sent` too. */
export async function testSent(ctx: WorkspaceContext, id: number): Promise<void> {
  await ctx.store.db
    .updateTable('campaigns')
    .set({ ab_status: 'sent' })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('ab_status', '=', 'decided')
    .where('status', '=', 'sent')
    .execute();
}
