import type { WorkspaceContext } from '../../src/context.js';
import { foldAll } from '../../src/tracking/fold.js';
import { signer, type TokenPurpose } from '../../src/tracking/tokens.js';

/**
 * Test scenarios for tracking: a sent campaign with its links (and a honeypot),
 * contacts and delivered messages, written straight into the tables the sender
 * fills, with the tokens its messages would carry.
 */
export interface ScenarioOptions {
  channel?: 'email' | 'sms';
  recipients?: number;
  links?: string[];
  honeypot?: boolean;
  /** Contacts without tracking consent among the recipients (the first ones). */
  withoutConsent?: number;
  /** When the messages were sent and delivered (default: an hour before ctx.now()). */
  deliveredAt?: number;
  fromName?: string;
  /** Send to these existing contacts instead of creating new ones. */
  contactIds?: number[];
}

let sequence = 0;

export async function createScenario(ctx: WorkspaceContext, options: ScenarioOptions = {}) {
  const db = ctx.store.db;
  const now = ctx.now();
  const deliveredAt = options.deliveredAt ?? now - 3_600_000;
  const urls = options.links ?? ['https://shop.example/spring', 'https://shop.example/about'];
  const channel = options.channel ?? 'email';
  const tag = `${process.pid}-${++sequence}`;

  const campaign = await db
    .insertInto('campaigns')
    .values({
      workspace_id: ctx.workspaceId,
      channel,
      name: `Spring sale ${tag}`,
      status: 'sent',
      subject: channel === 'email' ? 'Spring sale' : null,
      from_email: channel === 'email' ? 'news@shop.example' : null,
      from_name: options.fromName ?? 'Shop',
      html: channel === 'email' ? '<p>Hello</p>' : null,
      body: channel === 'sms' ? 'Hello' : null,
      sender_id: channel === 'sms' ? 'SHOP' : null,
      list_ids: ctx.store.dialect.writeJson([]),
      sent_at: deliveredAt,
      created_at: deliveredAt,
      updated_at: deliveredAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const campaignId = campaign.id;

  const linkRows = urls.map((url, i) => ({ campaign_id: campaignId, position: i + 1, url, kind: 'link' }));
  if (options.honeypot !== false && channel === 'email') {
    linkRows.push({ campaign_id: campaignId, position: urls.length + 1, url: 'https://shop.example/', kind: 'honeypot' });
  }
  const links = linkRows.length ? await db.insertInto('links').values(linkRows).returning(['id', 'position', 'url', 'kind']).execute() : [];

  const count = options.contactIds ? 0 : (options.recipients ?? 3);
  const contacts: Array<{ id: number; email: string | null; phone: string | null; trackingConsent: boolean }> = [];
  if (options.contactIds?.length) {
    const existing = await db.selectFrom('contacts').select(['id', 'email', 'phone', 'tracking_consent']).where('id', 'in', options.contactIds).execute();
    contacts.push(...existing.map((c) => ({ id: c.id, email: c.email, phone: c.phone, trackingConsent: c.tracking_consent === 1 })));
  }
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, j) => {
      const i = start + j;
      return {
        workspace_id: ctx.workspaceId,
        email: channel === 'email' ? `r${i}.${tag}@example.org` : null,
        phone: channel === 'sms' ? `+3361${String(sequence % 100).padStart(2, '0')}${String(i).padStart(5, '0')}` : null,
        fields: ctx.store.dialect.writeJson({}),
        tracking_consent: i < (options.withoutConsent ?? 0) ? 0 : 1,
        created_at: deliveredAt,
        updated_at: deliveredAt,
      };
    });
    const inserted = await db.insertInto('contacts').values(rows).returning(['id', 'email', 'phone', 'tracking_consent']).execute();
    contacts.push(...inserted.map((c) => ({ id: c.id, email: c.email, phone: c.phone, trackingConsent: c.tracking_consent === 1 })));
  }
  const messages: Array<{ id: number; contactId: number; email: string | null; phone: string | null; trackingConsent: boolean }> = [];
  for (let start = 0; start < contacts.length; start += 1000) {
    const chunk = contacts.slice(start, start + 1000);
    const inserted = await db
      .insertInto('messages')
      .values(chunk.map((c) => ({ campaign_id: campaignId, contact_id: c.id, status: 'delivered' as const, sent_at: deliveredAt, delivered_at: deliveredAt })))
      .returning(['id', 'contact_id'])
      .execute();
    const byContact = new Map(chunk.map((c) => [c.id, c]));
    messages.push(
      ...inserted.map((m) => {
        const { email, phone, trackingConsent } = byContact.get(m.contact_id)!;
        return { id: m.id, contactId: m.contact_id, email, phone, trackingConsent };
      }),
    );
  }
  messages.sort((a, b) => a.id - b.id);

  const anonymous = signer(ctx.secret, campaignId, true);
  return {
    campaignId,
    links,
    honeypot: links.find((l) => l.kind === 'honeypot'),
    messages,
    /** The token message `index` carries for `purpose` (anonymous for contacts without consent, except unsubscribe). */
    token(index: number, purpose: TokenPurpose, position = 0): string {
      const message = messages[index]!;
      const personal = message.trackingConsent || purpose === 'unsubscribe';
      return (personal ? signer(ctx.secret, message.id) : anonymous).token(purpose, position);
    },
  };
}

export type Scenario = Awaited<ReturnType<typeof createScenario>>;

const COUNTERS = [
  'opens', 'human_opens', 'clicks', 'human_clicks',
  'first_open_at', 'last_open_at', 'first_human_open_at', 'last_human_open_at',
  'first_click_at', 'last_click_at', 'first_human_click_at', 'last_human_click_at',
] as const;
type Counters = Record<(typeof COUNTERS)[number], number | null>;
type LinkCounters = { clicks: number; human_clicks: number; first_click_at: number; last_click_at: number };

/** The counters as stored on `messages` and `message_links` for the campaign's messages, once the folder has folded every event committed. */
export async function storedCounters(ctx: WorkspaceContext, campaignId: number) {
  await foldAll(ctx);
  const messages = await ctx.store.db.selectFrom('messages').select(['id', ...COUNTERS]).where('campaign_id', '=', campaignId).orderBy('id').execute();
  const links = await ctx.store.db
    .selectFrom('message_links')
    .select(['message_id', 'link_id', 'clicks', 'human_clicks', 'first_click_at', 'last_click_at'])
    .where('campaign_id', '=', campaignId)
    .orderBy('message_id')
    .orderBy('link_id')
    .execute();
  return {
    messages: Object.fromEntries(messages.map(({ id, ...counters }) => [id, counters as Counters])),
    links: Object.fromEntries(links.map(({ message_id, link_id, ...counters }) => [`${message_id}:${link_id}`, counters as LinkCounters])),
  };
}

/** The same counters worked out here, in plain TypeScript, from the events table: the reference they must equal. */
export async function countersFromEvents(ctx: WorkspaceContext, campaignId: number): Promise<Awaited<ReturnType<typeof storedCounters>>> {
  const messageIds = await ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute();
  const events = await ctx.store.db
    .selectFrom('events')
    .select(['message_id', 'link_id', 'type', 'human', 'at'])
    .where('campaign_id', '=', campaignId)
    .where('message_id', 'is not', null)
    .where('type', 'in', ['open', 'click'])
    .execute();
  const min = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
  const max = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));
  const messages: Record<number, Counters> = {};
  for (const { id } of messageIds) messages[id] = Object.fromEntries(COUNTERS.map((c) => [c, c.endsWith('_at') ? null : 0])) as Counters;
  const links: Record<string, LinkCounters> = {};
  for (const e of events) {
    const m = messages[e.message_id!]!;
    const human = e.human === 1;
    m.first_open_at = min(m.first_open_at, e.at);
    m.last_open_at = max(m.last_open_at, e.at);
    if (human) {
      m.first_human_open_at = min(m.first_human_open_at, e.at);
      m.last_human_open_at = max(m.last_human_open_at, e.at);
    }
    if (e.type === 'open') {
      m.opens = m.opens! + 1;
      if (human) m.human_opens = m.human_opens! + 1;
      continue;
    }
    m.clicks = m.clicks! + 1;
    m.first_click_at = min(m.first_click_at, e.at);
    m.last_click_at = max(m.last_click_at, e.at);
    if (human) {
      m.human_clicks = m.human_clicks! + 1;
      m.first_human_click_at = min(m.first_human_click_at, e.at);
      m.last_human_click_at = max(m.last_human_click_at, e.at);
    }
    const key = `${e.message_id}:${e.link_id}`;
    const l = (links[key] ??= { clicks: 0, human_clicks: 0, first_click_at: e.at, last_click_at: e.at });
    l.clicks++;
    l.human_clicks += e.human;
    l.first_click_at = Math.min(l.first_click_at, e.at);
    l.last_click_at = Math.max(l.last_click_at, e.at);
  }
  const sortedLinks = Object.fromEntries(
    Object.entries(links).sort(([a], [b]) => {
      const [am, al] = a.split(':').map(Number) as [number, number];
      const [bm, bl] = b.split(':').map(Number) as [number, number];
      return am - bm || al - bl;
    }),
  );
  return { messages, links: sortedLinks };
}
