import { normalizeEmail } from '../contacts/normalize.js';
import { createOutboxChannel } from '../delivery/channels/outbox.js';
import { createSmtpChannel } from '../delivery/channels/smtp.js';
import { campaignVariants } from '../delivery/compile.js';
import { compileEmailTemplate, renderEmail, UNTRACKED } from '../delivery/render/email.js';
import type { WorkspaceContext } from '../context.js';
import { assertSenderAllowed, signingKeyFor } from '../domains/domains.js';
import { badRequest } from '../http/errors.js';
import type { SendOutcome } from '../delivery/channel.js';
import { campaignRow } from './campaigns.js';

/** Why a test copy did not go, in words a marketer reads (the relay's own answer kept in brackets). */
function plainReason(outcome: SendOutcome): string {
  if (outcome.status === 'sent' || outcome.status === 'delivered') return 'it was sent';
  if (outcome.status === 'bounced') return `the receiving mail server refused this address (${outcome.reason})`;
  if (outcome.status === 'retry') return `the mail server could not take it just now, try again in a moment (${outcome.reason})`;
  return `it could not be sent (${'reason' in outcome ? outcome.reason : outcome.status})`;
}

/**
 * A test copy: rendered like the real thing (with the contact's data when the
 * address belongs to a contact), but untracked — links left as written, no
 * pixel, no token — and marked [TEST] in the subject. Each address stands alone:
 * a mistyped or refused one is named in `failed` and the others still get theirs.
 */
export async function sendTestEmails(ctx: WorkspaceContext, id: number, emails: string[], variant?: string) {
  const row = await campaignRow(ctx, id);
  if (row.channel !== 'email') throw badRequest('Test sends are for email campaigns', '$');
  // An A/B campaign's copy is of the variant asked for, A by default.
  const variants = campaignVariants(ctx.store.dialect, row);
  const chosen = variant === undefined ? variants[0] : variants.find((v) => v.key === variant);
  if (!chosen) throw badRequest(`$.variant: this campaign has no variant ${variant}`, '$.variant');
  const campaign = chosen.campaign;
  // Sent as the real thing would be: from an allowed address, signed with its domain's key.
  if (campaign.from_email) await assertSenderAllowed(ctx, campaign.from_email);
  const dkim = campaign.from_email ? await signingKeyFor(ctx, ctx.workspaceId, campaign.from_email) : undefined;
  const result = { sent: [] as string[], failed: [] as Array<{ email: string; reason: string }> };
  const addresses: string[] = [];
  for (const raw of emails) {
    const email = normalizeEmail(raw);
    if (!email) result.failed.push({ email: raw, reason: 'this is not a valid email address' });
    else if (!addresses.includes(email)) addresses.push(email);
  }
  if (!addresses.length) return result;
  const template = compileEmailTemplate(campaign, { track: false });
  const contacts = await ctx.store.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspaceId)
    .where('email', 'in', addresses)
    .where('erased_at', 'is', null)
    .execute();
  const channel = ctx.config.smtpUrl ? createSmtpChannel(ctx.config) : createOutboxChannel(ctx.config);
  try {
    for (const email of addresses) {
      const contact = contacts.find((c) => c.email === email);
      const rendered = renderEmail(template, campaign, {
        recipient: {
          messageId: 0,
          contactId: contact?.id ?? 0,
          email,
          phone: contact?.phone ?? null,
          firstName: contact?.first_name ?? null,
          lastName: contact?.last_name ?? null,
          fields: (ctx.store.dialect.readJson(contact?.fields) ?? {}) as Record<string, unknown>,
        },
        to: email,
        urls: UNTRACKED,
      });
      const outcome = await channel.send({ ...rendered, subject: `[TEST] ${rendered.subject}`, headers: {}, ...(dkim && { dkim }) });
      if (outcome.status === 'delivered' || outcome.status === 'sent') result.sent.push(email);
      else result.failed.push({ email, reason: plainReason(outcome) });
    }
  } finally {
    await channel.close();
  }
  return result;
}
