import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
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

/** 8 base62 characters from 16 bytes, bytes ≥ 248 thrown away (no modulo bias); undefined in the ~1e-10 case where too many are. */
function codeFrom(bytes: Buffer, offset: number): string | undefined {
  let code = '';
  for (let i = offset; i < offset + 16 && code.length < SHORT_CODE_LENGTH; i++) {
    const byte = bytes[i]!;
    if (byte < 248) code += BASE62[byte % 62];
  }
  return code.length === SHORT_CODE_LENGTH ? code : undefined;
}

/**
 * A recipient's codes are derived from (message id, link id) by AES under a key
 * drawn from the instance secret: unguessable without the secret, and a batch
 * rendered again derives the same codes, so nothing has to be read back first.
 * One cipher call per batch.
 */
function codeDeriver(secret: Buffer) {
  const key = createHmac('sha256', secret).update('ricochet sms short links').digest().subarray(0, 16);
  return (rows: Array<{ message_id: number | null; link_id: number }>): string[] => {
    const input = Buffer.alloc(16 * rows.length);
    for (let i = 0; i < rows.length; i++) {
      const { message_id: message, link_id: link } = rows[i]!;
      input.writeUInt32BE(Math.floor(message! / 2 ** 32), 16 * i);
      input.writeUInt32BE(message! >>> 0, 16 * i + 4);
      input.writeUInt32BE(Math.floor(link / 2 ** 32), 16 * i + 8);
      input.writeUInt32BE(link >>> 0, 16 * i + 12);
    }
    const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    const output = Buffer.concat([cipher.update(input), cipher.final()]);
    return rows.map((_, i) => codeFrom(output, 16 * i) ?? randomShortCode());
  };
}

interface ShortLinkRow {
  code: string;
  message_id: number | null;
  campaign_id: number;
  link_id: number;
}

/** Rows per statement: the rows travel as one parameter (JSON or arrays), so only the statement's size bounds them. */
const ROWS_PER_INSERT = 5_000;

/**
 * Inserts short links whose code is free, in one statement of constant text per
 * chunk (prepared once, whatever the batch size); answers the codes inserted.
 */
async function insertFree(ctx: AppContext, rows: ShortLinkRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const query =
      ctx.store.dialect.name === 'sqlite'
        ? sql<{ code: string }>`insert into sms_short_links (code, message_id, campaign_id, link_id)
            select value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(${JSON.stringify(chunk.map((r) => [r.code, r.message_id, r.campaign_id, r.link_id]))}) where true
            on conflict (code) do nothing returning code`
        : sql<{ code: string }>`insert into sms_short_links (code, message_id, campaign_id, link_id)
            select * from unnest(cast(${chunk.map((r) => r.code)} as text[]), cast(${chunk.map((r) => r.message_id)} as bigint[]),
              cast(${chunk.map((r) => r.campaign_id)} as bigint[]), cast(${chunk.map((r) => r.link_id)} as bigint[]))
            on conflict (code) do nothing returning code`;
    for (const row of (await query.execute(ctx.store.db)).rows) inserted.add(row.code);
  }
  return inserted;
}

/**
 * Inserts short links; a code that is already taken (rare) is redrawn at random
 * until it is free, so the rows end up holding the stored codes.
 */
async function insertShortLinks(ctx: AppContext, rows: ShortLinkRow[]): Promise<void> {
  let pending = rows;
  while (pending.length) {
    const stored = await insertFree(ctx, pending);
    pending = pending.filter((row) => !stored.has(row.code));
    for (const row of pending) row.code = randomShortCode();
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
  const derive = codeDeriver(ctx.secret);
  const from = campaign.sender_id ?? '';
  /** The link ids of a variant's links, by their position in its body. */
  const variantLinks = (variant: (typeof variants)[number]) => variant.template.links.map((_, i) => linkIds.get(variant.offset + i + 1)!);

  return {
    campaign,
    async renderBatch(recipients: Recipient[]) {
      const phones = recipients.map((r) => (r.phone ? normalizePhone(r.phone) : undefined));
      const chosen = recipients.map((r) => variantFor(variants, r.variant));
      const tracked = recipients.filter((r, i) => r.trackingConsent && phones[i] && chosen[i]!.template.links.length);
      // Each (message, link) gets its derived code; a code found taken is either this message's own (a batch
      // rendered again) or, rarely, another's: only then are the stored codes read, and a clash redrawn.
      const rows: ShortLinkRow[] = [];
      for (const r of tracked) {
        for (const linkId of variantLinks(variantFor(variants, r.variant))) rows.push({ code: '', message_id: r.messageId, campaign_id: campaign.id, link_id: linkId });
      }
      const derived = derive(rows);
      // Two codes of one batch alike (once in ~10^9 batches) would both look inserted: the second is redrawn.
      const inBatch = new Set<string>();
      for (let i = 0; i < rows.length; i++) {
        let code = derived[i]!;
        while (inBatch.has(code)) code = randomShortCode();
        inBatch.add(code);
        rows[i]!.code = code;
      }
      const inserted = await insertFree(ctx, rows);
      const taken = rows.filter((row) => !inserted.has(row.code));
      if (taken.length) {
        const existing = await existingCodes(ctx, [...new Set(taken.map((row) => row.message_id!))]);
        const redrawn: ShortLinkRow[] = [];
        for (const row of taken) {
          const code = existing.get(row.message_id!)?.get(row.link_id);
          if (code) row.code = code;
          else redrawn.push(row);
        }
        await insertShortLinks(ctx, redrawn);
      }
      const codes = new Map<number, Map<number, string>>();
      for (const row of rows) {
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
