import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';
import { BEHAVIOUR_COLUMNS, behaviourColumn, compileFilter, type BehaviourColumn } from './compile.js';
import type { Recipient, SortKey, Summary } from './schemas.js';
import { segmentFilter, segmentsOf } from './segments.js';
import { countView, resolveView, viewRows, type AudienceView, type View } from './view.js';

/**
 * The Behavioral tracking rows of a view: one per recipient, sorted by any column,
 * paged by keyset (the last row's sort value and contact id), so that a page never
 * skips nor repeats a row whatever the sort.
 */

type Sort = { key: SortKey; descending: boolean };

const parseSort = (sort: string | undefined): Sort =>
  sort ? { key: sort.replace(/^-/, '') as SortKey, descending: sort.startsWith('-') } : { key: 'contactId', descending: false };

/** Sort expressions never yield NULL (missing text sorts as '', missing times as -1), so keyset comparisons are exact. */
function sortExpression(key: SortKey, human: boolean): RawBuilder<unknown> {
  const text = (column: string) => sql`coalesce(${sql.ref(column)}, '')`;
  switch (key) {
    case 'contactId':
      return sql`m.contact_id`;
    case 'email':
      return text('c.email');
    case 'phone':
      return text('c.phone');
    case 'firstName':
      return text('c.first_name');
    case 'lastName':
      return text('c.last_name');
    case 'status':
      return sql`m.status`;
    case 'opens':
    case 'clicks':
      return sql`(case when m.contact_state = 0 then ${behaviourColumn('m', key, human)} else 0 end)`;
    default:
      return sql`(case when m.contact_state = 0 then coalesce(${behaviourColumn('m', key, human)}, -1) else -1 end)`;
  }
}

interface Cursor {
  sort: string;
  value: string | number;
  contactId: number;
}
const isCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Cursor).sort === 'string' &&
  ['string', 'number'].includes(typeof (v as Cursor).value) &&
  typeof (v as Cursor).contactId === 'number';

const TIMES = ['firstOpenAt', 'lastOpenAt', 'firstClickAt', 'lastClickAt'] as const;
const behaviourColumns = Object.values(BEHAVIOUR_COLUMNS)
  .flat()
  .map((c) => `m.${c}` as const);

export interface PageOptions {
  sort?: string;
  cursor?: string;
  limit?: number;
}

/** GET /api/campaigns/:id/recipients */
export async function listRecipients(ctx: WorkspaceContext, campaignId: number, requested: AudienceView, options: PageOptions) {
  const view = await resolveView(ctx, campaignId, requested);
  return recipientsPage(ctx, view, options);
}

/** A page of the view with its total. */
export async function recipientsPage(ctx: WorkspaceContext, view: View, options: PageOptions) {
  const [page, total] = await Promise.all([recipientRows(ctx, view, options), countView(ctx.store.db, view)]);
  return { total, ...page };
}

export async function recipientRows(ctx: WorkspaceContext, view: View, options: PageOptions) {
  const db = ctx.store.db;
  const sort = parseSort(options.sort);
  const sortName = `${sort.descending ? '-' : ''}${sort.key}`;
  const limit = options.limit ?? 50;
  const after = decodeCursor(options.cursor, isCursor);
  if (after && after.sort !== sortName) throw badRequest(`query.cursor: this cursor belongs to sort=${after.sort}`, 'query.cursor');

  const order = sortExpression(sort.key, view.human);
  const direction = sort.descending ? 'desc' : 'asc';
  // The page's messages are chosen first from the view's covering index alone (a top-N over
  // index entries), and only those rows are then read and joined to their contacts: joining
  // first would read every row of the view to sort it by a time column.
  const byContact = ['email', 'phone', 'firstName', 'lastName'].includes(sort.key);
  let chosen = (view.usesContacts || byContact ? viewRows(db, { ...view, usesContacts: true }) : viewRows(db, view))
    .select('m.id')
    .orderBy(order, direction)
    .orderBy('m.contact_id', direction)
    .limit(limit + 1);
  if (after) {
    const beyond = sql.raw(sort.descending ? '<' : '>');
    chosen = chosen.where(
      sort.key === 'contactId'
        ? sql<SqlBool>`m.contact_id ${beyond} ${after.contactId}`
        : sql<SqlBool>`(${order} ${beyond} ${after.value} or (${order} = ${after.value} and m.contact_id ${beyond} ${after.contactId}))`,
    );
  }
  const page = db
    .selectFrom('messages as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .where('m.id', 'in', chosen)
    .select([
      'm.id',
      'm.contact_id',
      'm.status',
      'm.bounce_type',
      'm.contact_state',
      'm.unsubscribed_at',
      'm.complained_at',
      'm.variant',
      ...behaviourColumns,
      'c.email',
      'c.phone',
      'c.first_name',
      'c.last_name',
      order.as('sort_value'),
    ])
    .orderBy(order, direction)
    .orderBy('m.contact_id', direction);
  const rows = await page.execute();
  const shown = rows.slice(0, limit);

  const clicked = new Map<number, Recipient['links']>();
  const tracked = shown.filter((r) => r.contact_state === 0).map((r) => r.id);
  if (tracked.length) {
    const links = await db
      .selectFrom('message_links as ml')
      .innerJoin('links as l', 'l.id', 'ml.link_id')
      .select(['ml.message_id', 'ml.link_id', 'l.url', 'ml.clicks', 'ml.human_clicks'])
      .where('ml.message_id', 'in', tracked)
      // The honeypot is a trap for scanners, never a link that people clicked.
      .where('l.kind', '<>', 'honeypot')
      .orderBy('ml.message_id')
      .orderBy('l.position')
      .execute();
    for (const l of links) {
      const clicks = view.human ? l.human_clicks : l.clicks;
      if (clicks > 0) clicked.set(l.message_id, [...(clicked.get(l.message_id) ?? []), { linkId: l.link_id, url: l.url, clicks }]);
    }
  }

  const sms = view.campaign.channel === 'sms';
  const items: Recipient[] = shown.map((r) => {
    const consent = r.contact_state === 0;
    const column = (name: BehaviourColumn) => r[BEHAVIOUR_COLUMNS[name][view.human ? 1 : 0]];
    const opens = consent ? (column('opens') as number) : 0;
    const clicks = consent ? (column('clicks') as number) : 0;
    const [firstOpenAt, lastOpenAt, firstClickAt, lastClickAt] = TIMES.map((t) =>
      consent && !(sms && t.endsWith('OpenAt')) ? iso(column(t) as number | null) : null,
    );
    return {
      contactId: r.contact_id,
      messageId: r.id,
      email: r.email,
      phone: r.phone,
      firstName: r.first_name,
      lastName: r.last_name,
      status: r.status,
      received: r.status === 'delivered',
      opened: sms ? null : opens > 0 || clicks > 0,
      opens: sms ? null : opens,
      clicked: clicks > 0,
      clicks,
      links: clicked.get(r.id) ?? [],
      firstOpenAt: firstOpenAt!,
      lastOpenAt: lastOpenAt!,
      firstClickAt: firstClickAt!,
      lastClickAt: lastClickAt!,
      unsubscribed: r.unsubscribed_at !== null,
      bounced: r.status === 'bounced',
      bounceType: r.status === 'bounced' ? r.bounce_type : null,
      complained: r.complained_at !== null,
      trackingConsent: consent,
      humanOpens: sms ? null : consent ? Number(r.human_opens) : 0,
      humanClicks: consent ? Number(r.human_clicks) : 0,
      variant: r.variant,
    };
  });
  const last = rows.length > limit ? shown[shown.length - 1] : undefined;
  const nextCursor = last ? encodeCursor({ sort: sortName, value: last.sort_value as string | number, contactId: last.contact_id } satisfies Cursor) : null;
  return { items, nextCursor };
}

/** The view's total and each segment's count inside it, in one pass over the view. */
export async function viewSummary(ctx: WorkspaceContext, campaignId: number, requested: AudienceView): Promise<Summary> {
  const view = await resolveView(ctx, campaignId, requested);
  const segments = segmentsOf(view.campaign.channel);
  const scope = { dialect: ctx.store.dialect, human: view.human, now: ctx.now() };
  // Segments with the same definition (email's active and openers) are counted once.
  const columnOf = new Map<string, string>();
  const aliasOf = new Map<string, string>();
  const counts = [];
  for (const segment of segments) {
    const { where } = compileFilter(segmentFilter(segment, view.campaign.channel, 'segment'), scope);
    const key = JSON.stringify(where.compile(ctx.store.db));
    if (!columnOf.has(key)) {
      columnOf.set(key, segment);
      counts.push(sql<number>`count(*) filter (where ${where})`.as(segment));
    }
    aliasOf.set(segment, columnOf.get(key)!);
  }
  const row = (await viewRows(ctx.store.db, view)
    .select([sql<number>`count(*)`.as('total'), ...counts])
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  const count = (segment: string) => (aliasOf.has(segment) ? Number(row[aliasOf.get(segment)!] ?? 0) : null);
  return {
    total: Number(row.total),
    segments: { openers: count('openers'), clickers: count('clickers')!, active: count('active')!, inactive: count('inactive')! },
  };
}
