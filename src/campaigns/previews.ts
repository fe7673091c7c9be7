import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import type { CampaignRow, Database } from '../db/schema.js';
import { compileEmailTemplate, renderEmail, UNTRACKED } from '../delivery/render/email.js';
import { parseSmsTemplate } from '../delivery/sms/template.js';
import { badRequest } from '../http/errors.js';
import { Nullable } from '../http/schemas.js';
import { campaignRow } from './campaigns.js';
import { contents } from './checks.js';
import { wouldReceive } from './dormant.js';
import { VariantKey } from './schemas.js';

/**
 * The message as three real contacts of the audience will read it, each with its own
 * merge data, and nothing tracked: links go straight to where they lead, there is no
 * open pixel and no token, so looking at a preview records nothing for anyone.
 */

export const PreviewQuery = Type.Object({ variant: Type.Optional(VariantKey) }, { additionalProperties: false });
export type PreviewQuery = Static<typeof PreviewQuery>;

export const Preview = Type.Object({
  contact: Type.Object({ id: Type.Integer(), email: Nullable(Type.String()), phone: Nullable(Type.String()), firstName: Nullable(Type.String()), lastName: Nullable(Type.String()) }),
  /** Email */
  subject: Type.Optional(Type.String()),
  html: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  /** SMS */
  body: Type.Optional(Type.String()),
});
export const PreviewResult = Type.Object({ items: Type.Array(Preview) }, { $id: 'CampaignPreviews' });
export type PreviewResult = Static<typeof PreviewResult>;

/** Contacts looked at to find three whose custom fields are filled. */
const CANDIDATES = 200;
const SHOWN = 3;

/** The audience: whom a draft would send to, or whom a started campaign was sent to. */
function audience(db: Kysely<Database>, ctx: WorkspaceContext, row: CampaignRow) {
  if (row.sent_at === null) return wouldReceive(db, row, (ctx.store.dialect.readJson(row.list_ids) as number[] | null) ?? []);
  return db
    .selectFrom('contacts as c')
    .where('c.workspace_id', '=', ctx.workspaceId)
    .where('c.erased_at', 'is', null)
    .where('c.id', 'in', db.selectFrom('messages').select('contact_id').where('campaign_id', '=', row.id).where('status', '<>', 'skipped'));
}

const filled = (fields: Record<string, unknown>) => Object.values(fields).filter((v) => v !== null && v !== undefined && v !== '').length;

export async function campaignPreviews(ctx: WorkspaceContext, id: number, query: PreviewQuery): Promise<PreviewResult> {
  const row = await campaignRow(ctx, id);
  const variants = contents(ctx, row);
  const content = query.variant ? variants.find((v) => v.variant === query.variant) : variants[0];
  if (!content) throw badRequest(`query.variant: campaign ${id} has no variant ${query.variant}`, 'query.variant');
  const candidates = await audience(ctx.store.db, ctx, row)
    .select(['c.id', 'c.email', 'c.phone', 'c.first_name', 'c.last_name', 'c.fields'])
    .orderBy('c.id')
    .limit(CANDIDATES)
    .execute();
  const contacts = candidates
    .map((c) => ({ ...c, fields: (ctx.store.dialect.readJson(c.fields) ?? {}) as Record<string, unknown> }))
    // Those whose custom fields are filled show what merge tags do; the sort is stable, so ties stay in id order.
    .sort((a, b) => filled(b.fields) - filled(a.fields))
    .slice(0, SHOWN);

  const recipientOf = (c: (typeof contacts)[number]) => ({ messageId: 0, contactId: c.id, email: c.email, phone: c.phone, firstName: c.first_name, lastName: c.last_name, fields: c.fields });
  const contactOf = (c: (typeof contacts)[number]) => ({ id: c.id, email: c.email, phone: c.phone, firstName: c.first_name, lastName: c.last_name });
  if (row.channel === 'sms') {
    const template = parseSmsTemplate(content.body ?? '', { stopText: ctx.config.smsStopText, campaignName: row.name });
    // Each link as written, not a short link that would count a click.
    return { items: contacts.map((c) => ({ contact: contactOf(c), body: template.render(recipientOf(c), (position) => template.links[position - 1]!) })) };
  }
  const template = compileEmailTemplate(content, { track: false });
  const campaign = { ...row, subject: content.subject, html: content.html, text: content.text };
  return {
    items: contacts.map((c) => {
      const rendered = renderEmail(template, campaign, { recipient: recipientOf(c), to: c.email ?? '', urls: UNTRACKED });
      return { contact: contactOf(c), subject: rendered.subject, html: rendered.html, text: rendered.text };
    }),
  };
}
