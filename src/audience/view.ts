import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { campaignRow } from '../campaigns/campaigns.js';
import type { CampaignRow, Database } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { LINK_BITS } from '../db/migrations/012_audience_speed.js';
import { compileFilter } from './compile.js';
import type { FilterNode, FilterReference, ParsedFilter } from './filter.js';
import { loadSavedView } from './savedViews.js';
import { segmentFilter, type Segment } from './segments.js';

/**
 * A view of a campaign's recipients: a segment and/or a filter (AND), or a saved
 * view, in the all-events or human-only form. Resolving it checks everything
 * against the campaign once and compiles it to the WHERE clause that the rows,
 * the counts and every action share, so that they can never disagree.
 */

/**
 * The view a request asks for, already parsed and checked on its own: a segment
 * and/or a filter, or a saved view (which brings its own, so it comes alone).
 * The segment and the saved view keep where the request named them, so that what
 * is found wrong with them later, against the campaign or the stored views, points there.
 */
export type AudienceView = { human: boolean } & (
  | { segment?: { name: Segment; path: string }; filter?: ParsedFilter; savedView?: never }
  | { savedView: { id: number; path: string }; segment?: never; filter?: never }
);

export interface View {
  campaign: CampaignRow;
  human: boolean;
  /** What the view applies, a saved view's included: the audit log records it with each action. */
  segment: Segment | null;
  filter: FilterNode | null;
  savedViewId: number | null;
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

/** Ids a filter names must be the workspace's (links: the campaign's): another workspace's id is answered as a missing one. */
async function checkReferences(ctx: WorkspaceContext, campaignId: number, references: FilterReference[]) {
  const db = ctx.store.db;
  const ids = (kind: FilterReference['kind']) => [...new Set(references.filter((r) => r.kind === kind).map((r) => r.id))];
  const found = new Set<string>();
  /** The links' bits in the messages' click masks (migration 012), for those that have one. */
  const linkBits = new Map<number, number>();
  const links = ids('link');
  if (links.length) {
    for (const l of await db.selectFrom('links').select(['id', 'position']).where('campaign_id', '=', campaignId).where('id', 'in', links).execute()) {
      found.add(`link:${l.id}`);
      if (l.position >= 1 && l.position <= LINK_BITS) linkBits.set(l.id, 2 ** (l.position - 1));
    }
  }
  const campaigns = ids('campaign');
  if (campaigns.length) {
    for (const c of await db.selectFrom('campaigns').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', campaigns).execute()) found.add(`campaign:${c.id}`);
  }
  const lists = ids('list');
  if (lists.length) {
    for (const l of await db.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', lists).execute()) found.add(`list:${l.id}`);
  }
  const missing = references.find((r) => !found.has(`${r.kind}:${r.id}`));
  if (missing) {
    const what = missing.kind === 'link' ? `link ${missing.id} is not a link of campaign ${campaignId}` : `${missing.kind} ${missing.id} does not exist`;
    throw badRequest(`${missing.path}: ${what}`, missing.path);
  }
  return linkBits;
}

export async function resolveView(ctx: WorkspaceContext, campaignId: number, requested: AudienceView): Promise<View> {
  const campaign = await campaignRow(ctx, campaignId);
  let { segment, filter: parsed } = requested;
  if (requested.savedView) {
    const { id, path } = requested.savedView;
    const saved = await loadSavedView(ctx, id, path);
    segment = saved.segment && { name: saved.segment, path };
    parsed = saved.filter;
  }

  const { human } = requested;
  const parts: FilterNode[] = [];
  let linkBits: Map<number, number> | undefined;
  if (segment) parts.push(segmentFilter(segment.name, campaign.channel, segment.path));
  if (parsed) {
    linkBits = await checkReferences(ctx, campaign.id, parsed.references);
    parts.push(parsed.filter);
  }
  const compiled = compileFilter({ match: 'all', conditions: parts }, { dialect: ctx.store.dialect, human, now: ctx.now(), linkBits });
  return {
    campaign,
    human,
    segment: segment?.name ?? null,
    filter: parsed?.filter ?? null,
    savedViewId: requested.savedView?.id ?? null,
    label: parsed ? 'active view' : (segment?.name ?? 'all'),
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

/** The view as the audit log records it with an action: what was applied, so that a reader can tell who was reached. */
export const viewDetails = (view: View) => ({
  segment: view.segment,
  filter: view.filter,
  human: view.human,
  ...(view.savedViewId !== null && { viewId: view.savedViewId }),
});
