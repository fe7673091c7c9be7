import { randomBytes } from 'node:crypto';
import { normalizePhone } from '../../contacts/normalize.js';
import type { CampaignRow } from '../../db/schema.js';
import type { AppContext } from '../../context.js';
import type { CompiledCampaign, Recipient, RenderedSms } from '../channel.js';
import { campaignVariants, variantFor } from '../compile.js';
import { smsParts } from './encoding.js';
import { SHORT_CODE_LENGTH } from './links.js';
import { parseSmsTemplate } from './template.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes drawn 4 KiB at a time: one call to the system's generator per few hundred codes.
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** Random base62 codes without modulo bias (bytes ≥ 248 are thrown away). */
function randomShortCode(): string {
  let code = '';
  while (code.length < SHORT_CODE_LENGTH) {
    if (randomOffset >= randomPool.length) {
      randomPool = randomBytes(4096);
      randomOffset = 0;
    }
    const byte = randomPool[randomOffset++]!;
    if (byte < 248) code += BASE62[byte % 62];
  }
  return code;
}

interface ShortLinkRow {
  code: string;
  message_id: number | null;
  campaign_id: number;
  link_id: number;
}

/**
 * Inserts short links in one statement per chunk; a code that is already
 * taken (rare) is redrawn in place, so the rows end up holding the stored codes.
 */
async function insertShortLinks(ctx: AppContext, rows: ShortLinkRow[]): Promise<void> {
  const perStatement = Math.floor(ctx.store.dialect.maxParameters / 4);
  let pending = rows;
  while (pending.length) {
    const retry: ShortLinkRow[] = [];
    for (let i = 0; i < pending.length; i += perStatement) {
      const chunk = pending.slice(i, i + perStatement);
      const inserted = await ctx.store.db
        .insertInto('sms_short_links')
        .values(chunk)
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('code')
        .execute();
      if (inserted.length === chunk.length) continue;
      const stored = new Set(inserted.map((r) => r.code));
      for (const row of chunk) {
        if (stored.has(row.code)) continue;
        row.code = randomShortCode();
        retry.push(row);
      }
    }
    pending = retry;
  }
}

/** The campaign's links, stored once with their position (and A/B variant); returns link id by position. */
async function storeLinks(ctx: AppContext, campaignId: number, links: Array<{ url: string; variant: string | null }>): Promise<Map<number, number>> {
  if (links.length) {
    await ctx.store.db
      .insertInto('links')
      .values(links.map(({ url, variant }, i) => ({ campaign_id: campaignId, position: i + 1, url, variant })))
      .onConflict((oc) => oc.columns(['campaign_id', 'position']).doNothing())
      .execute();
  }
  const rows = await ctx.store.db
    .selectFrom('links')
    .select(['id', 'position'])
    .where('campaign_id', '=', campaignId)
    .where('position', '<=', links.length)
    .execute();
  return new Map(rows.map((r) => [r.position, r.id]));
}

/** One short code per link for contacts without tracking consent: it counts clicks for the campaign, never for a person. */
async function anonymousCodes(ctx: AppContext, campaignId: number, linkIds: Map<number, number>): Promise<Map<number, string>> {
  const byLink = async () => {
    const rows = await ctx.store.db
      .selectFrom('sms_short_links')
      .select(['code', 'link_id'])
      .where('campaign_id', '=', campaignId)
      .where('message_id', 'is', null)
      .orderBy('code')
      .execute();
    const codes = new Map<number, string>();
    for (const row of rows) if (!codes.has(row.link_id)) codes.set(row.link_id, row.code);
    return codes;
  };
  const existing = await byLink();
  const missing = [...linkIds.values()].filter((id) => !existing.has(id));
  if (!missing.length) return existing;
  await insertShortLinks(ctx, missing.map((link_id) => ({ code: randomShortCode(), message_id: null, campaign_id: campaignId, link_id })));
  // Another worker may have created its own at the same moment: everyone takes the first code in order.
  return byLink();
}

/** Short codes already given to these messages (a retried batch keeps its links), by message then link. */
async function existingCodes(ctx: AppContext, messageIds: number[]): Promise<Map<number, Map<number, string>>> {
  const codes = new Map<number, Map<number, string>>();
  if (!messageIds.length) return codes;
  const rows = await ctx.store.db.selectFrom('sms_short_links').select(['code', 'message_id', 'link_id']).where('message_id', 'in', messageIds).execute();
  for (const row of rows) {
    let links = codes.get(row.message_id!);
    if (!links) codes.set(row.message_id!, (links = new Map()));
    if (!links.has(row.link_id)) links.set(row.link_id, row.code);
  }
  return codes;
}

/**
 * Compiles an SMS campaign once: Liquid parsed, links stored with their
 * position, STOP mention appended. renderBatch gives each recipient short
 * links of their own (inserted in one statement per batch) and skips those
 * without a valid E.164 number or whose SMS would exceed the parts allowed.
 * An A/B campaign is compiled once per variant, each variant's links numbered
 * after the previous variant's; a recipient gets short links for their variant's only.
 */
export async function compileSmsCampaign(ctx: AppContext, campaign: CampaignRow): Promise<CompiledCampaign> {
  let offset = 0;
  const variants = campaignVariants(ctx.store.dialect, campaign).map(({ key, campaign: content }) => {
    const template = parseSmsTemplate(content.body ?? '', { stopText: ctx.config.smsStopText, campaignName: campaign.name });
    const variant = { key, template, offset };
    offset += template.links.length;
    return variant;
  });
  const linkIds = await storeLinks(ctx, campaign.id, variants.flatMap(({ key, template }) => template.links.map((url) => ({ url, variant: key }))));
  const anonymous = linkIds.size ? await anonymousCodes(ctx, campaign.id, linkIds) : new Map<number, string>();
  const shortUrl = (code: string) => `${ctx.config.publicUrl}/s/${code}`;
  const from = campaign.sender_id ?? '';
  /** The link ids of a variant's links, by their position in its body. */
  const variantLinks = (variant: (typeof variants)[number]) => variant.template.links.map((_, i) => linkIds.get(variant.offset + i + 1)!);

  return {
    campaign,
    async renderBatch(recipients: Recipient[]) {
      const phones = recipients.map((r) => (r.phone ? normalizePhone(r.phone) : undefined));
      const chosen = recipients.map((r) => variantFor(variants, r.variant));
      const tracked = recipients.filter((r, i) => r.trackingConsent && phones[i] && chosen[i]!.template.links.length);
      const codes = await existingCodes(ctx, tracked.map((r) => r.messageId));
      const newRows: ShortLinkRow[] = [];
      for (const r of tracked) {
        const links = codes.get(r.messageId);
        for (const linkId of variantLinks(variantFor(variants, r.variant))) {
          if (!links?.has(linkId)) newRows.push({ code: randomShortCode(), message_id: r.messageId, campaign_id: campaign.id, link_id: linkId });
        }
      }
      await insertShortLinks(ctx, newRows);
      for (const row of newRows) {
        let links = codes.get(row.message_id!);
        if (!links) codes.set(row.message_id!, (links = new Map()));
        links.set(row.link_id, row.code);
      }

      return recipients.map((r, i): RenderedSms | { skip: string } => {
        const to = phones[i];
        if (!to) return { skip: r.phone ? `invalid_phone: ${r.phone} is not a valid E.164 number` : 'no_phone' };
        const variant = chosen[i]!;
        const linkIdAt = (position: number) => linkIds.get(variant.offset + position)!;
        const codeOf = r.trackingConsent ? (position: number) => codes.get(r.messageId)!.get(linkIdAt(position))! : (position: number) => anonymous.get(linkIdAt(position))!;
        let text: string;
        try {
          text = variant.template.render(r, (position) => shortUrl(codeOf(position)));
        } catch (error) {
          return { skip: `render_failed: ${(error as Error).message}`.slice(0, 500) };
        }
        const size = smsParts(text);
        if (size.parts > ctx.config.smsMaxParts) {
          return { skip: `too_many_parts: the SMS would take ${size.parts} parts (${size.characters} ${size.encoding} characters), over the maximum of ${ctx.config.smsMaxParts}` };
        }
        return { kind: 'sms', workspaceId: campaign.workspace_id, messageId: r.messageId, to, from, text };
      });
    },
  };
}
