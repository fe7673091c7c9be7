import type { Channel, MessageStatus } from '../../src/db/schema.js';
import type { WorkspaceContext } from '../../src/context.js';

/**
 * Builds behavioural scenarios straight into the database (contacts, campaigns,
 * links, messages, message_links), the way sending and tracking leave them, so that
 * the audience features can be tested on exact, known data.
 */

export interface ContactSpec {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  fields?: Record<string, string | number | boolean>;
  trackingConsent?: boolean;
  erased?: boolean;
  createdAt?: number;
  listIds?: number[];
}

export async function addContact(ctx: WorkspaceContext, spec: ContactSpec): Promise<number> {
  const createdAt = spec.createdAt ?? ctx.now();
  const { id } = await ctx.store.db
    .insertInto('contacts')
    .values({
      workspace_id: ctx.workspaceId,
      email: spec.email ?? null,
      phone: spec.phone ?? null,
      first_name: spec.firstName ?? null,
      last_name: spec.lastName ?? null,
      fields: ctx.store.dialect.writeJson(spec.fields ?? {}),
      tracking_consent: spec.trackingConsent === false ? 0 : 1,
      erased_at: spec.erased ? createdAt : null,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const listId of spec.listIds ?? []) {
    await ctx.store.db.insertInto('list_members').values({ list_id: listId, contact_id: id, added_at: createdAt }).execute();
  }
  return id;
}

export async function addList(ctx: WorkspaceContext, name: string): Promise<number> {
  return (await ctx.store.db.insertInto('lists').values({ workspace_id: ctx.workspaceId, name, created_at: ctx.now() }).returning('id').executeTakeFirstOrThrow()).id;
}

export interface CampaignSpec {
  channel?: Channel;
  name?: string;
  /** When the send started; null for a campaign not sent yet. */
  sentAt?: number | null;
  links?: Array<{ url: string; kind?: 'link' | 'honeypot' }>;
}

export async function addCampaign(ctx: WorkspaceContext, spec: CampaignSpec = {}): Promise<{ id: number; linkIds: number[] }> {
  const channel = spec.channel ?? 'email';
  const now = ctx.now();
  const sentAt = spec.sentAt === undefined ? now : spec.sentAt;
  const { id } = await ctx.store.db
    .insertInto('campaigns')
    .values({
      workspace_id: ctx.workspaceId,
      channel,
      name: spec.name ?? 'Spring sale',
      status: sentAt === null ? 'draft' : 'sent',
      ...(channel === 'email'
        ? { subject: 'Spring sale: -20% on everything', from_email: 'shop@ricochet.test', from_name: 'The Shop', html: '<p>Hello {{ contact.firstName }}</p><a href="https://shop.example/sale">Sale</a>' }
        : { body: 'Spring sale -20%: https://shop.example/sale', sender_id: 'SHOP' }),
      list_ids: ctx.store.dialect.writeJson([]),
      sent_at: sentAt,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const linkIds: number[] = [];
  for (const [i, link] of (spec.links ?? []).entries()) {
    const row = await ctx.store.db
      .insertInto('links')
      .values({ campaign_id: id, position: i + 1, url: link.url, kind: link.kind ?? 'link' })
      .returning('id')
      .executeTakeFirstOrThrow();
    linkIds.push(row.id);
  }
  return { id, linkIds };
}

export interface MessageSpec {
  status?: MessageStatus;
  bounceType?: 'hard' | 'soft' | null;
  opens?: number;
  humanOpens?: number;
  clicks?: number;
  humanClicks?: number;
  firstOpenAt?: number | null;
  lastOpenAt?: number | null;
  firstHumanOpenAt?: number | null;
  lastHumanOpenAt?: number | null;
  firstClickAt?: number | null;
  lastClickAt?: number | null;
  firstHumanClickAt?: number | null;
  lastHumanClickAt?: number | null;
  unsubscribedAt?: number | null;
  complainedAt?: number | null;
  /** Clicks per link id. */
  links?: Record<number, { clicks: number; humanClicks: number }>;
  /** The A/B variant the recipient got. */
  variant?: string | null;
}

export async function addMessage(ctx: WorkspaceContext, campaignId: number, contactId: number, spec: MessageSpec = {}): Promise<number> {
  const status = spec.status ?? 'delivered';
  const sent = status === 'skipped' || status === 'queued' ? null : ctx.now();
  const { id } = await ctx.store.db
    .insertInto('messages')
    .values({
      campaign_id: campaignId,
      contact_id: contactId,
      status,
      skip_reason: status === 'skipped' ? 'unsubscribed' : null,
      sent_at: sent,
      delivered_at: status === 'delivered' ? sent : null,
      bounce_type: status === 'bounced' ? (spec.bounceType ?? 'hard') : null,
      opens: spec.opens ?? 0,
      human_opens: spec.humanOpens ?? 0,
      clicks: spec.clicks ?? 0,
      human_clicks: spec.humanClicks ?? 0,
      first_open_at: spec.firstOpenAt ?? null,
      last_open_at: spec.lastOpenAt ?? null,
      first_human_open_at: spec.firstHumanOpenAt ?? null,
      last_human_open_at: spec.lastHumanOpenAt ?? null,
      first_click_at: spec.firstClickAt ?? null,
      last_click_at: spec.lastClickAt ?? null,
      first_human_click_at: spec.firstHumanClickAt ?? null,
      last_human_click_at: spec.lastHumanClickAt ?? null,
      unsubscribed_at: spec.unsubscribedAt ?? null,
      complained_at: spec.complainedAt ?? null,
      variant: spec.variant ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [linkId, clicks] of Object.entries(spec.links ?? {})) {
    await ctx.store.db
      .insertInto('message_links')
      .values({ message_id: id, link_id: Number(linkId), campaign_id: campaignId, clicks: clicks.clicks, human_clicks: clicks.humanClicks, first_click_at: ctx.now(), last_click_at: ctx.now() })
      .execute();
  }
  return id;
}
