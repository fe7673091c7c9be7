import { normalizePhone } from '../../contacts/normalize.js';
import type { AppContext } from '../../context.js';
import type { CampaignRow } from '../../db/schema.js';
import { badRequest } from '../../http/errors.js';
import { smsParts, type SmsParts } from './encoding.js';
import { SHORT_CODE_LENGTH } from './links.js';
import { parseSmsTemplate, type SmsTemplate } from './template.js';

/** Length checks and previews of SMS bodies, with short links at their real length and the STOP mention included. */

const templateOf = (ctx: AppContext, body: string, campaignName = '') =>
  parseSmsTemplate(body, { stopText: ctx.config.smsStopText, campaignName });

/** Stands for any short link: same length as the real ones, GSM characters only. */
const sampleShortUrl = (ctx: AppContext) => `${ctx.config.publicUrl}/s/${'x'.repeat(SHORT_CODE_LENGTH)}`;

const partsWord = (n: number) => `${n} part${n === 1 ? '' : 's'}`;

/**
 * A body whose SMS exceeds SMS_MAX_PARTS even with every merge tag empty (or
 * at its default) is refused: 400 naming $.body. Personalisation can only make
 * it longer; the preview shows the longest over the audience.
 */
export function assertSmsFits(ctx: AppContext, body: string): void {
  const url = sampleShortUrl(ctx);
  const size = smsParts(templateOf(ctx, body).render(null, () => url));
  if (size.parts > ctx.config.smsMaxParts) {
    throw badRequest(
      `$.body makes an SMS of ${partsWord(size.parts)} (${size.characters} ${size.encoding === 'gsm7' ? 'GSM' : 'UCS-2'} characters with short links and the STOP mention); the maximum is ${partsWord(ctx.config.smsMaxParts)}`,
      '$.body',
    );
  }
}

/** An alphanumeric sender id (up to 11 characters, at least one letter) or a phone number. */
export function assertSenderId(senderId: string): void {
  const alphanumeric = /^[A-Za-z0-9 .&_-]{1,11}$/.test(senderId) && /[A-Za-z]/.test(senderId);
  if (!alphanumeric && !/^\+?\d{3,15}$/.test(senderId)) {
    throw badRequest(`$.senderId "${senderId}" must be up to 11 letters and digits (with at least one letter) or a phone number`, '$.senderId');
  }
}

export interface SmsSize extends SmsParts {
  contactId: number | null;
}

export interface SmsPreview {
  maxParts: number;
  /** Contacts that would receive it: subscribed to SMS, with a valid number. */
  audience: number;
  sample: SmsSize & { text: string };
  /** The longest SMS over the audience (the sample when the audience is empty). */
  longest: SmsSize;
  /** Recipients whose SMS would exceed maxParts: they would be skipped. */
  overMaxParts: number;
}

const PAGE = 1000;

/** Characters, encoding and parts for a sample recipient and the longest over the campaign's audience. */
export async function smsPreview(ctx: AppContext, campaign: CampaignRow): Promise<SmsPreview> {
  if (campaign.channel !== 'sms') throw badRequest(`Campaign ${campaign.id} is an email campaign; the SMS preview is for SMS campaigns`);
  const template: SmsTemplate = templateOf(ctx, campaign.body ?? '', campaign.name);
  const url = sampleShortUrl(ctx);
  const { db, dialect } = ctx.store;
  const listIds = (dialect.readJson(campaign.list_ids) as number[] | null) ?? [];
  const members = campaign.audience_snapshot
    ? db.selectFrom('campaign_audience').select('contact_id').where('campaign_id', '=', campaign.id)
    : db.selectFrom('list_members').select('contact_id').where('list_id', 'in', [...listIds, -1]);

  let sample: { contactId: number; text: string; size: SmsParts } | undefined;
  let longest: { contactId: number; size: SmsParts } | undefined;
  let audience = 0;
  let overMaxParts = 0;
  // Keyset pages: the audience can be large, only one page is in memory at a time.
  for (let after = 0; ; ) {
    const contacts = await db
      .selectFrom('contacts')
      .select(['id', 'email', 'phone', 'first_name', 'last_name', 'fields'])
      .where('workspace_id', '=', campaign.workspace_id)
      .where('id', 'in', members)
      .where('id', '>', after)
      .where('phone', 'is not', null)
      .where('sms_status', '=', 'subscribed')
      .where('erased_at', 'is', null)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const c of contacts) {
      if (!normalizePhone(c.phone!)) continue;
      const recipient = { contactId: c.id, email: c.email, phone: c.phone, firstName: c.first_name, lastName: c.last_name, fields: (dialect.readJson(c.fields) ?? {}) as Record<string, unknown> };
      const text = template.render(recipient, () => url);
      const size = smsParts(text);
      audience++;
      if (size.parts > ctx.config.smsMaxParts) overMaxParts++;
      sample ??= { contactId: c.id, text, size };
      if (!longest || size.parts > longest.size.parts || (size.parts === longest.size.parts && size.characters > longest.size.characters)) longest = { contactId: c.id, size };
    }
    if (contacts.length < PAGE) break;
    after = contacts.at(-1)!.id;
  }
  if (!sample || !longest) {
    const text = template.render(null, () => url);
    const size = { contactId: null, ...smsParts(text) };
    return { maxParts: ctx.config.smsMaxParts, audience, sample: { ...size, text }, longest: size, overMaxParts };
  }
  return {
    maxParts: ctx.config.smsMaxParts,
    audience,
    sample: { contactId: sample.contactId, text: sample.text, ...sample.size },
    longest: { contactId: longest.contactId, ...longest.size },
    overMaxParts,
  };
}
