import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { campaignRow } from '../campaigns/campaigns.js';
import type { CampaignRow, Database } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { compileFilter } from './compile.js';
import { parseFilter, parseFilterText, type FilterNode, type FilterReference } from './filter.js';
import { segmentFilter, type Segment } from './segments.js';

/**
 * A view of a campaign's recipients: a segment and/or a filter (AND), or a saved
 * view, in the all-events or human-only form. Resolving it checks everything
 * against the campaign once and compiles it to the WHERE clause that the rows,
 * the counts and every action share, so that they can never disagree.
 */

export interface ViewInput {
  segment?: Segment | 'all';
  /** A filter object (request bodies) … */
  filter?: unknown;
  /** … or its JSON text (query strings). */
  filterText?: string;
  human?: boolean;
  viewId?: number;
}

export interface View {
  campaign: CampaignRow;
  human: boolean;
  /** Who the view holds, as a relaunch names it: the segment, `active view` or `all`. */
  label: string;
  where: RawBuilder<SqlBool>;
  /** The WHERE reads contact columns (alias c), so queries must join contacts. */
  usesContacts: boolean;
}

/**
 * Recipients of a campaign: every message but those never attempted, minus erased
 * contacts. Literal SQL, written as the WHERE of the partial index messages_view
 * (migration 004), so that both engines use that index and need not re-check it.
 */
const recipientsOf = (campaignId: number) => sql<SqlBool>`m.campaign_id = ${campaignId} and m.status <> 'skipped' and m.contact_state <> 2`;

async function checkReferences(db: Kysely<Database>, campaignId: number, references: FilterReference[]) {
  const ids = (kind: FilterReference['kind']) => [...new Set(references.filter((r) => r.kind === kind).map((r) => r.id))];
  const found = new Set<string>();
  const links = ids('link');
  if (links.length) {
    for (const l of await db.selectFrom('links').select('id').where('campaign_id', '=', campaignId).where('id', 'in', links).execute()) found.add(`link:${l.id}`);
  }
  const campaigns = ids('campaign');
  if (campaigns.length) {
    for (const c of await db.selectFrom('campaigns').select('id').where('id', 'in', campaigns).execute()) found.add(`campaign:${c.id}`);
  }
  const lists = ids('list');
  if (lists.length) {
    for (const l of await db.selectFrom('lists').select('id').where('id', 'in', lists).execute()) found.add(`list:${l.id}`);
  }
  const missing = references.find((r) => !found.has(`${r.kind}:${r.id}`));
  if (missing) {
    const what = missing.kind === 'link' ? `link ${missing.id} is not a link of campaign ${campaignId}` : `${missing.kind} ${missing.id} does not exist`;
    throw badRequest(`${missing.path}: ${what}`, missing.path);
  }
}

export async function resolveView(ctx: AppContext, campaignId: number, input: ViewInput, origin: 'query' | 'body'): Promise<View> {
  const campaign = await campaignRow(ctx, campaignId);
  const at = (name: string) => (origin === 'query' ? `query.${name}` : `$.${name}`);
  let segment = input.segment === 'all' ? undefined : input.segment;
  let parsed =
    input.filterText !== undefined ? parseFilterText(input.filterText) : input.filter != null ? parseFilter(input.filter, at('filter')) : undefined;
  if (input.viewId !== undefined) {
    if (segment || parsed) throw badRequest(`${at('viewId')}: a saved view brings its own segment and filter; send either viewId or segment/filter`, at('viewId'));
    const saved = await ctx.store.db.selectFrom('saved_views').selectAll().where('id', '=', input.viewId).executeTakeFirst();
    if (!saved) throw badRequest(`${at('viewId')}: saved view ${input.viewId} does not exist`, at('viewId'));
    segment = (saved.segment ?? undefined) as Segment | undefined;
    const filter = ctx.store.dialect.readJson(saved.filter);
    parsed = filter == null ? undefined : parseFilter(filter, at('viewId'));
  }

  const human = input.human ?? false;
  const parts: FilterNode[] = [];
  if (segment) parts.push(segmentFilter(segment, campaign.channel, at(input.viewId !== undefined ? 'viewId' : 'segment')));
  if (parsed) {
    await checkReferences(ctx.store.db, campaign.id, parsed.references);
    parts.push(parsed.filter);
  }
  const compiled = compileFilter({ match: 'all', conditions: parts }, { dialect: ctx.store.dialect, human, now: ctx.now() });
  return {
    campaign,
    human,
    label: parsed ? 'active view' : (segment ?? 'all'),
    where: sql<SqlBool>`${recipientsOf(campaign.id)} and ${compiled.where}`,
    usesContacts: compiled.usesContacts,
  };
}

/** `messages m` of the view, joined with `contacts c` when the filter reads them. */
export function viewRows(db: Kysely<Database>, view: View) {
  const messages = db.selectFrom('messages as m');
  return (view.usesContacts ? messages.innerJoin('contacts as c', 'c.id', 'm.contact_id') : messages).where(view.where);
}

export async function countView(db: Kysely<Database>, view: View): Promise<number> {
  const row = await viewRows(db, view).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
