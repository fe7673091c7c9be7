import { sql, type Insertable } from 'kysely';
import type { Store } from '../db/connection.js';
import { likeEscape } from '../db/dialect.js';
import type { CampaignRow, CampaignsTable, CampaignStatus } from '../db/schema.js';
import { normalizeEmail } from '../contacts/normalize.js';
import { htmlLiquid, parseTemplate, plainLiquid } from '../delivery/render/liquid.js';
import { assertSenderId, assertSmsFits, smsPreview, type SmsPreview } from '../delivery/sms/preview.js';
import type { WorkspaceContext } from '../context.js';
import { compileDesign } from '../designs/compile.js';
import type { Design } from '../designs/schema.js';
import { assertSenderAllowed } from '../domains/domains.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';
import { designError } from '../designs/check.js';
import { templateContent } from '../templates/templates.js';
import { AppError } from '../http/errors.js';
import type { AbTest, AbVariant, Campaign, CampaignCreate, CampaignPatch, CampaignQuery, VariantKey } from './schemas.js';

export function toCampaign(row: CampaignRow, store: Store): Campaign {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    status: row.status,
    subject: row.subject,
    preheader: row.preheader,
    fromEmail: row.from_email,
    fromName: row.from_name,
    replyTo: row.reply_to,
    html: row.html,
    design: (store.dialect.readJson(row.design) ?? null) as Design | null,
    text: row.text,
    body: row.body,
    senderId: row.sender_id,
    listIds: (store.dialect.readJson(row.list_ids) ?? []) as number[],
    parentCampaignId: row.parent_campaign_id,
    audienceLabel: row.audience_label,
    scheduledAt: iso(row.scheduled_at),
    sentAt: iso(row.sent_at),
    finishedAt: iso(row.finished_at),
    statusReason: row.status_reason,
    abTest: (store.dialect.readJson(row.ab_test) ?? null) as AbTest | null,
    ab: row.ab_status
      ? { status: row.ab_status, winner: row.ab_winner as VariantKey | null, reason: row.ab_reason, decideAt: iso(row.ab_decide_at), decidedAt: iso(row.ab_decided_at) }
      : null,
    excludeDormant: row.exclude_dormant,
    archivedAt: iso(row.archived_at),
    audienceFilter: store.dialect.readJson(row.audience_filter) ?? null,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** The campaign in the context's workspace: another workspace's is as missing as one that does not exist. */
export async function campaignRow(ctx: WorkspaceContext, id: number): Promise<CampaignRow> {
  const row = await ctx.store.db.selectFrom('campaigns').selectAll().where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  if (!row) throw notFound('Campaign');
  return row;
}

export async function getCampaign(ctx: WorkspaceContext, id: number): Promise<Campaign> {
  return toCampaign(await campaignRow(ctx, id), ctx.store);
}

type Content = Omit<CampaignCreate, 'channel'> & { channel: 'email' | 'sms' };

const blank = (value: string | null | undefined) => value == null || value.trim() === '';

function required(content: Content, field: keyof Content) {
  if (blank(content[field] as string | null | undefined)) {
    throw badRequest(`$.${field} is required for ${content.channel} campaigns`, `$.${field}`);
  }
}

function address(value: string | null | undefined, field: string): string | null {
  if (blank(value)) return null;
  const email = normalizeEmail(value!);
  if (!email) throw badRequest(`$.${field} "${value}" is not a valid email address`, `$.${field}`);
  return email;
}

/** Checks what the channel needs and that every template parses; answers the columns to store. */
function checkedContent(content: Content) {
  if (content.channel === 'email') {
    for (const field of ['subject', 'fromEmail', 'html'] as const) required(content, field);
    parseTemplate(plainLiquid, content.subject!, '$.subject');
    if (!blank(content.preheader)) parseTemplate(plainLiquid, content.preheader!, '$.preheader');
    parseTemplate(htmlLiquid, content.html!, '$.html');
    if (!blank(content.text)) parseTemplate(plainLiquid, content.text!, '$.text');
  } else {
    for (const field of ['body', 'senderId'] as const) required(content, field);
    parseTemplate(plainLiquid, content.body!, '$.body');
  }
  const trimmed = (value: string | null | undefined) => (blank(value) ? null : value!.trim());
  return {
    name: content.name.trim(),
    subject: trimmed(content.subject),
    preheader: trimmed(content.preheader),
    from_email: address(content.fromEmail, 'fromEmail'),
    from_name: trimmed(content.fromName),
    reply_to: address(content.replyTo, 'replyTo'),
    html: blank(content.html) ? null : content.html!,
    text: blank(content.text) ? null : content.text!,
    body: blank(content.body) ? null : content.body!,
    sender_id: trimmed(content.senderId),
  };
}

async function checkedListIds(ctx: WorkspaceContext, listIds: number[]): Promise<number[]> {
  const wanted = [...new Set(listIds)];
  if (!wanted.length) return [];
  const found = new Set(
    (await ctx.store.db.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', wanted).execute()).map((l) => l.id),
  );
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length) throw badRequest(`$.listIds names lists that do not exist: ${missing.join(', ')}`, '$.listIds');
  return wanted;
}

/** Columns the API does not write but other features set when they create a campaign (relaunches). */
export type CampaignOrigin = Pick<Insertable<CampaignsTable>, 'parent_campaign_id' | 'audience_label' | 'audience_snapshot'>;

const given = (value: unknown) => value !== undefined && value !== null;

/** A design compiled once, here, for every recipient: the campaign keeps both. `at`: where the design is in the request. */
async function compiled(ctx: WorkspaceContext, channel: 'email' | 'sms', design: Design, at = '$.design'): Promise<{ design: unknown; html: string }> {
  if (channel !== 'email') throw badRequest(`${at}: SMS campaigns have no design; write the message in $.body`, at);
  const error = designError(design, at);
  if (error) throw error;
  const { html } = await compileDesign(design);
  // A broken merge tag is the design's, not HTML the client never wrote.
  parseTemplate(htmlLiquid, html, at);
  return { design: ctx.store.dialect.writeJson(design), html };
}

const VARIANT_KEYS: VariantKey[] = ['A', 'B', 'C', 'D'];
const VARIANT_FIELDS = { email: ['subject', 'fromName', 'html', 'design'], sms: ['body'] } as const;

/** What the campaign's columns are when a variant is checked against them. */
type VariantBase = { subject: string | null; from_name: string | null; html: string | null; body: string | null };

/** What a recipient of the variant reads: the variant's fields, the campaign's where it sets none. */
const variantContent = (channel: 'email' | 'sms', v: AbVariant, base: VariantBase) =>
  JSON.stringify(channel === 'email' ? [v.subject ?? base.subject, v.fromName ?? base.from_name, v.html ?? base.html] : [v.body ?? base.body]);

/** No two variants read the same: a test between identical messages tells nothing. */
function assertVariantsDiffer(channel: 'email' | 'sms', variants: AbVariant[], base: VariantBase): void {
  const contents = variants.map((v) => variantContent(channel, v, base));
  contents.forEach((content, i) => {
    const same = contents.indexOf(content);
    if (same < i) {
      const fields = channel === 'email' ? 'its subject, sender name or content' : 'its body';
      throw badRequest(`$.abTest.variants[${i}] (${variants[i]!.key}) is the same as variant ${variants[same]!.key}: change ${fields}`, `$.abTest.variants[${i}]`);
    }
  });
}

/**
 * An A/B test checked against the campaign's content: keys A, B, … in order, only the fields the channel
 * has, every template parsing, no two variants alike. Answers what is stored: blank fields left out, each
 * design kept with the HTML compiled from it (the sender never compiles per recipient), the criterion filled in.
 */
async function checkedAbTest(ctx: WorkspaceContext, channel: 'email' | 'sms', test: AbTest, base: VariantBase): Promise<AbTest> {
  const variants: AbVariant[] = [];
  for (const [i, variant] of test.variants.entries()) {
    const at = `$.abTest.variants[${i}]`;
    if (variant.key !== VARIANT_KEYS[i]) throw badRequest(`${at}.key must be "${VARIANT_KEYS[i]}": variants are keyed A, B, C, D in that order`, `${at}.key`);
    const set = (field: keyof AbVariant) => (field === 'design' ? given(variant.design) : !blank(variant[field] as string | null | undefined));
    for (const field of ['subject', 'fromName', 'html', 'design', 'body'] as const) {
      if (set(field) && !(VARIANT_FIELDS[channel] as readonly string[]).includes(field)) {
        const may = channel === 'email' ? 'an email variant sets subject, fromName, html or design' : 'an SMS variant sets its body only';
        throw badRequest(`${at}.${field}: ${may}`, `${at}.${field}`);
      }
    }
    if (set('html') && set('design')) throw badRequest(`${at}.html and ${at}.design were both given: a variant has a design or HTML written by hand`, `${at}.html`);
    const stored: AbVariant = { key: variant.key };
    if (set('subject')) {
      parseTemplate(plainLiquid, variant.subject!, `${at}.subject`);
      stored.subject = variant.subject!.trim();
    }
    if (set('fromName')) stored.fromName = variant.fromName!.trim();
    if (set('html')) {
      parseTemplate(htmlLiquid, variant.html!, `${at}.html`);
      stored.html = variant.html!;
    }
    if (set('design')) {
      stored.design = variant.design!;
      stored.html = (await compiled(ctx, channel, variant.design!, `${at}.design`)).html;
    }
    if (set('body')) {
      parseTemplate(plainLiquid, variant.body!, `${at}.body`);
      try {
        assertSmsFits(ctx, variant.body!);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        throw badRequest(error.message.replace('$.body', `${at}.body`), `${at}.body`);
      }
      stored.body = variant.body!;
    }
    variants.push(stored);
  }
  assertVariantsDiffer(channel, variants, base);
  return { variants, testPercent: test.testPercent, criterion: test.criterion ?? 'humanClickRate', waitMinutes: test.waitMinutes };
}

export async function createCampaign(ctx: WorkspaceContext, input: CampaignCreate, origin: CampaignOrigin = {}): Promise<Campaign> {
  const channel = input.channel ?? 'email';
  if (input.templateId !== undefined) {
    const also = (['html', 'design'] as const).filter((field) => given(input[field]));
    if (also.length) throw badRequest(`$.templateId and $.${also[0]} were both given: a campaign starts from a template or from its own content`, '$.templateId');
    if (channel !== 'email') throw badRequest('$.templateId: templates are for email campaigns', '$.templateId');
    const { templateId, ...rest } = input;
    input = { ...rest, ...(await templateContent(ctx, templateId)) };
  }
  if (given(input.html) && given(input.design)) {
    throw badRequest('$.html and $.design were both given: send a design (the HTML is compiled from it) or HTML written by hand', '$.html');
  }
  const design = given(input.design) ? await compiled(ctx, channel, input.design!) : undefined;
  const content = { ...checkedContent({ ...input, ...(design && { html: design.html }), channel }), design: design?.design ?? null };
  if (input.channel === 'sms') {
    assertSenderId(content.sender_id!);
    assertSmsFits(ctx, content.body!);
  }
  if (content.from_email) await assertSenderAllowed(ctx, content.from_email);
  const abTest = given(input.abTest) ? await checkedAbTest(ctx, channel, input.abTest!, content) : null;
  const listIds = await checkedListIds(ctx, input.listIds);
  // A relaunch names its parent: it must be a campaign of this workspace too.
  if (origin.parent_campaign_id != null) await campaignRow(ctx, origin.parent_campaign_id);
  const now = ctx.now();
  const row = await ctx.store.db
    .insertInto('campaigns')
    .values({
      workspace_id: ctx.workspaceId,
      channel: input.channel ?? 'email',
      ...content,
      list_ids: ctx.store.dialect.writeJson(listIds),
      ab_test: abTest && ctx.store.dialect.writeJson(abTest),
      ...origin,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCampaign(row, ctx.store);
}

const EDITABLE: CampaignStatus[] = ['draft', 'scheduled'];

/**
 * What a PATCH does to the design, or undefined when it leaves it alone: a new design is compiled
 * to the HTML; `design: null` makes the campaign hand-written (with the HTML sent along, or the
 * compiled HTML as it stands). HTML alone cannot change a designed campaign, whose HTML the next
 * design edit would overwrite.
 */
async function designChange(ctx: WorkspaceContext, current: Campaign, patch: CampaignPatch): Promise<{ design: unknown; html?: string } | undefined> {
  if (given(patch.design)) {
    if (patch.html !== undefined) {
      throw badRequest('$.html and $.design were both given: send a design (the HTML is compiled from it) or, with design: null, HTML written by hand', '$.html');
    }
    return compiled(ctx, current.channel, patch.design!);
  }
  if (patch.design === null) return { design: null };
  if (current.design && patch.html !== undefined) {
    throw badRequest('$.html: this campaign is designed: send design, or design: null with html to write it by hand', '$.html');
  }
  return undefined;
}

export async function updateCampaign(ctx: WorkspaceContext, id: number, patch: CampaignPatch): Promise<Campaign> {
  const current = toCampaign(await campaignRow(ctx, id), ctx.store);
  if (!EDITABLE.includes(current.status)) {
    throw conflict(`A ${current.status} campaign cannot be edited; only drafts and scheduled campaigns can`, { status: current.status });
  }
  const design = await designChange(ctx, current, patch);
  const content = { ...checkedContent({ ...current, ...patch, ...(design?.html !== undefined && { html: design.html }) }), ...(design && { design: design.design }) };
  if (current.channel === 'sms') {
    assertSenderId(content.sender_id!);
    assertSmsFits(ctx, content.body!);
  }
  if (patch.fromEmail !== undefined && content.from_email) await assertSenderAllowed(ctx, content.from_email);
  // A new test is checked whole; the one kept is checked again against the campaign's new content.
  let abTest: { ab_test: unknown; ab_status?: null; ab_winner?: null; ab_reason?: null } | undefined;
  if (patch.abTest) abTest = { ab_test: ctx.store.dialect.writeJson(await checkedAbTest(ctx, current.channel, patch.abTest, content)) };
  // Without variants a relaunch has none to keep either.
  else if (patch.abTest === null) abTest = { ab_test: null, ab_status: null, ab_winner: null, ab_reason: null };
  else if (current.abTest) assertVariantsDiffer(current.channel, current.abTest.variants, content);
  const listIds = patch.listIds ? await checkedListIds(ctx, patch.listIds) : current.listIds;
  const row = await ctx.store.db
    .updateTable('campaigns')
    .set({ ...content, ...abTest, list_ids: ctx.store.dialect.writeJson(listIds), updated_at: ctx.now() })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', 'in', EDITABLE)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw conflict('The campaign started sending while it was being edited');
  return toCampaign(row, ctx.store);
}

export async function deleteCampaign(ctx: WorkspaceContext, id: number): Promise<void> {
  const current = await campaignRow(ctx, id);
  const result = await ctx.store.db
    .deleteFrom('campaigns')
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (!result.numDeletedRows) {
    throw conflict(`Only drafts can be deleted; this campaign is ${current.status}`, { status: current.status });
  }
}

const isIdCursor = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && typeof (v as { before: unknown }).before === 'number';

/** Newest first. */
export async function listCampaigns(ctx: WorkspaceContext, query: CampaignQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, isIdCursor)?.before;
  let base = ctx.store.db.selectFrom('campaigns').where('workspace_id', '=', ctx.workspaceId);
  if (query.status) base = base.where('status', '=', query.status);
  if (query.channel) base = base.where('channel', '=', query.channel);
  if (query.search?.trim()) base = base.where(ctx.store.dialect.ilike('name', `%${likeEscape(query.search.trim())}%`));
  // archived=true shows the archived campaigns among the others.
  if (!query.archived) base = base.where('archived_at', 'is', null);
  let page = base.selectAll().orderBy('id', 'desc').limit(limit + 1);
  if (before !== undefined) page = page.where('id', '<', before);
  const [rows, count] = await Promise.all([
    page.execute(),
    base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  const items = rows.slice(0, limit).map((r) => toCampaign(r, ctx.store));
  const nextCursor = rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null;
  return { total: Number(count.total), items, nextCursor };
}

/** Characters, encoding and parts of an SMS campaign: a sample recipient and the longest over its audience. */
export async function campaignSmsPreview(ctx: WorkspaceContext, id: number): Promise<SmsPreview> {
  return smsPreview(ctx, await campaignRow(ctx, id));
}
