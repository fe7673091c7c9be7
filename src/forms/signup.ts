import { convert } from 'html-to-text';
import type { Kysely } from 'kysely';
import { coerceCell, registerFields } from '../contacts/fields.js';
import { normalizeEmail, normalizePhone } from '../contacts/normalize.js';
import { CONTACT_LIMITS } from '../contacts/schemas.js';
import { inWorkspace, type AppContext } from '../context.js';
import type { ContactRow, Database } from '../db/schema.js';
import { openChannel } from '../delivery/channels/index.js';
import { htmlLiquid, mergeData, plainLiquid } from '../delivery/render/liquid.js';
import type { FormDef } from './model.js';
import { CONSENT, HONEYPOT, inputName, RENDERED, type FieldErrors, type Typed } from './pages.js';
import { PostLimiter } from './rateLimit.js';
import { CONFIRMATION_LIFETIME_MS, confirmationToken, readFillTime } from './tokens.js';

/** People take longer than this to fill a form; bots post at once. */
export const MIN_FILL_MS = 3_000;
/** Posts per client network and form within POST_WINDOW_MS; more are answered and dropped. */
export const POSTS_PER_NETWORK = 10;
export const POST_WINDOW_MS = 10 * 60 * 1000;
/** At most one confirmation email per address in this time, so that nobody can be mail-bombed through a form. */
export const EMAIL_INTERVAL_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Who posted: kept with a consent (the network, as tracking keeps addresses) and used to limit floods. */
export interface Visitor {
  /** storedIp of the client: a /24 or /48 network unless KEEP_FULL_IP. */
  ip: string | null;
  userAgent: string | null;
}

/** A post is either answered with the thank-you page whatever happened, or sent back to fix what was typed. */
export type PostOutcome = { kind: 'thanks' } | { kind: 'invalid'; typed: Typed; errors: FieldErrors; token?: string };

/** A form post's values as strings by input name: from a form-encoded body or a JSON object (whose `fields` object may hold custom fields). */
export function typedValues(body: unknown): Typed {
  const typed: Typed = {};
  const put = (key: string, value: unknown) => {
    if (key.length > 100 || key in typed) return;
    if (typeof value === 'string') typed[key] = value.slice(0, CONTACT_LIMITS.fieldValue);
    else if (typeof value === 'number' && Number.isFinite(value)) typed[key] = String(value);
    else if (typeof value === 'boolean') typed[key] = value ? 'yes' : '';
  };
  if (body instanceof URLSearchParams) {
    for (const [key, value] of body) put(key, value);
  } else if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body)) {
      if (key === 'fields' && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, v] of Object.entries(value)) put(`fields.${name}`, v);
      } else put(key, value);
    }
  }
  return typed;
}

interface Submission {
  email: string;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  fields: Record<string, string | number | boolean>;
}

/** What a person typed, checked as the API checks contacts; errors by input name. */
function checked(ctx: AppContext, form: FormDef, typed: Typed): { submission?: Submission; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const email = normalizeEmail(typed.email ?? '');
  if (!typed.email?.trim()) errors.email = 'Enter your email address';
  else if (!email) errors.email = 'Enter a valid email address, like name@example.com';
  const submission: Submission = { email: email ?? '', phone: null, firstName: null, lastName: null, fields: {} };
  for (const field of form.fields) {
    const name = inputName(field);
    const raw = (typed[name] ?? '').trim();
    if (!raw) {
      if (field.required) errors[name] = field.type === 'boolean' ? `Tick “${field.label}”` : `Enter ${field.label.toLowerCase()}`;
      continue;
    }
    if (field.type === 'phone') {
      const phone = normalizePhone(raw, ctx.config.defaultCountry);
      if (phone) submission.phone = phone;
      else errors[name] = 'Enter a valid phone number, with its country code (like +33 6 12 34 56 78)';
    } else if (field.type === 'firstName' || field.type === 'lastName') {
      submission[field.type] = raw.slice(0, CONTACT_LIMITS.name);
    } else {
      const value = coerceCell(raw, field.type);
      if (value === undefined) errors[name] = field.type === 'number' ? `${field.label}: enter a number` : `${field.label}: enter a date`;
      else submission.fields[field.name] = value;
    }
  }
  if (!typed[CONSENT]) errors[CONSENT] = 'Please tick the box to agree';
  return Object.keys(errors).length ? { errors } : { submission, errors };
}

/**
 * Handles one post of a form. Bots (a filled honeypot, a missing, forged or too recent render
 * time), floods and addresses that must not be written to get the thank-you answer with nothing
 * stored or sent, exactly as a genuine new address does; only what a person can fix (a wrong
 * email, a missing required field, the consent box) is sent back.
 */
export class SignupDesk {
  private readonly posts = new PostLimiter(POSTS_PER_NETWORK, POST_WINDOW_MS);

  constructor(private readonly ctx: AppContext) {}

  async post(form: FormDef, body: unknown, visitor: Visitor): Promise<PostOutcome> {
    const { ctx } = this;
    const typed = typedValues(body);
    const now = ctx.now();
    if (typed[HONEYPOT]) return { kind: 'thanks' };
    const filled = readFillTime(ctx.secret, form.id, typed[RENDERED]);
    if (!filled || (filled.kind === 'rendered' && (now - filled.at < MIN_FILL_MS || filled.at > now + 60_000))) return { kind: 'thanks' };
    const { submission, errors } = checked(ctx, form, typed);
    // Sent back with the render time it came with: the visitor's time filling it still counts.
    if (!submission) return { kind: 'invalid', typed, errors, token: typed[RENDERED] };
    if (!this.posts.allow(`${form.id}|${visitor.ip ?? 'unknown'}`, now)) return { kind: 'thanks' };
    await signUp(ctx, form, submission, visitor);
    return { kind: 'thanks' };
  }
}

type Db = Kysely<Database>;

async function contactByEmail(db: Db, workspaceId: number, email: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('email', '=', email).where('erased_at', 'is', null).executeTakeFirst();
}

async function phoneIsFree(db: Db, workspaceId: number, phone: string): Promise<boolean> {
  return !(await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where('phone', '=', phone).executeTakeFirst());
}

/** The form's lists that still exist (one deleted since the form was saved is skipped). */
async function formLists(db: Db, form: FormDef): Promise<number[]> {
  if (!form.listIds.length) return [];
  return (await db.selectFrom('lists').select('id').where('workspace_id', '=', form.workspaceId).where('id', 'in', form.listIds).execute()).map((l) => l.id);
}

export async function addToLists(db: Db, form: FormDef, contactId: number, now: number): Promise<void> {
  const lists = (await formLists(db, form)).map((id) => ({ id }));
  if (!lists.length) return;
  await db
    .insertInto('list_members')
    .values(lists.map((l) => ({ list_id: l.id, contact_id: contactId, added_at: now })))
    .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
    .execute();
}

async function memberOfAll(db: Db, form: FormDef, contactId: number): Promise<boolean> {
  const lists = await formLists(db, form);
  if (!lists.length) return true;
  const rows = await db.selectFrom('list_members').select('list_id').where('contact_id', '=', contactId).where('list_id', 'in', lists).execute();
  return rows.length === lists.length;
}

/** Proof of consent: the text the person agreed to, when, from which network and browser. */
export async function recordConsent(db: Db, form: FormDef, contactId: number, text: string, visitor: Visitor, at: number): Promise<void> {
  await db
    .insertInto('consents')
    .values({ contact_id: contactId, at, source: `form:${form.id}`, form_id: form.id, text, ip: visitor.ip, user_agent: visitor.userAgent?.slice(0, 500) ?? null })
    .execute();
}

async function emailedRecently(db: Db, contactId: number, now: number): Promise<boolean> {
  const recent = await db
    .selectFrom('form_signups')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('confirmed_at', 'is', null)
    .where('created_at', '>', now - EMAIL_INTERVAL_MS)
    .executeTakeFirst();
  return recent !== undefined;
}

const isUniqueViolation = (error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(message ?? '');
};

/**
 * Applies a checked submission (SPEC §12): a new address becomes a pending contact with a
 * confirmation email (double opt-in) or a subscribed one in the form's lists (single opt-in);
 * a known address is never lowered nor overwritten with blanks, an unsubscribed one is only
 * resubscribed by confirming, a bounced or complained one gets nothing.
 */
async function signUp(ctx: AppContext, form: FormDef, submission: Submission, visitor: Visitor): Promise<void> {
  const { db } = ctx.store;
  const now = ctx.now();
  const expiresAt = now + ctx.config.signupExpiryDays * DAY_MS;
  const existing = await contactByEmail(db, form.workspaceId, submission.email);
  if (existing && (existing.email_status === 'bounced' || existing.email_status === 'complained')) return;

  let mail: { signupId: number; contact: ContactRow } | undefined;
  try {
    mail = await db.transaction().execute(async (trx) => {
      const phone = submission.phone && (!existing?.phone || existing.phone === submission.phone) && (await phoneIsFree(trx, form.workspaceId, submission.phone)) ? submission.phone : null;
      await registerFields(trx, form.workspaceId, submission.fields, now);
      const subscribeNow = form.doubleOptIn === false && (!existing || existing.email_status === 'subscribed' || existing.email_status === 'pending');

      let contact: ContactRow;
      if (!existing) {
        contact = await trx
          .insertInto('contacts')
          .values({
            workspace_id: form.workspaceId,
            email: submission.email,
            phone,
            first_name: submission.firstName,
            last_name: submission.lastName,
            fields: ctx.store.dialect.writeJson(submission.fields),
            email_status: subscribeNow ? 'subscribed' : 'pending',
            ...(phone && { sms_status: subscribeNow ? 'subscribed' : 'pending' }),
            tracking_consent: ctx.config.trackingConsentDefault ? 1 : 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      } else {
        if (subscribeNow && existing.email_status === 'subscribed' && (await memberOfAll(trx, form, existing.id))) return undefined;
        if (!subscribeNow && (await emailedRecently(trx, existing.id, now))) return undefined;
        contact = await fillBlanks(ctx, trx, existing, submission, phone, subscribeNow, now);
      }

      const signup = await trx
        .insertInto('form_signups')
        .values({ form_id: form.id, contact_id: contact.id, created_at: now, confirmed_at: subscribeNow ? now : null, expires_at: expiresAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (subscribeNow) {
        await addToLists(trx, form, contact.id, now);
        await recordConsent(trx, form, contact.id, form.consentText, visitor, now);
        return undefined;
      }
      // A pending address joins the lists at once, counted apart and skipped by every campaign until
      // it confirms; a known contact joins only by confirming, since its status would let mail reach it.
      if (contact.email_status === 'pending') await addToLists(trx, form, contact.id, now);
      return { signupId: signup.id, contact };
    });
  } catch (error) {
    // The same address posted twice at once: the other post created the contact and carries on.
    if (isUniqueViolation(error)) return;
    throw error;
  }
  if (mail) await sendConfirmation(ctx, form, mail.signupId, mail.contact, now);
}

/** A known contact keeps what it has: only empty names, phone and custom fields are filled; single opt-in subscribes a pending one. */
async function fillBlanks(ctx: AppContext, trx: Db, existing: ContactRow, submission: Submission, phone: string | null, subscribeNow: boolean, now: number): Promise<ContactRow> {
  const current = (ctx.store.dialect.readJson(existing.fields) ?? {}) as Record<string, unknown>;
  const added = Object.fromEntries(Object.entries(submission.fields).filter(([name]) => current[name] === undefined || current[name] === null || current[name] === ''));
  const newPhone = !existing.phone && phone ? phone : null;
  return trx
    .updateTable('contacts')
    .set({
      ...(!existing.first_name && submission.firstName && { first_name: submission.firstName }),
      ...(!existing.last_name && submission.lastName && { last_name: submission.lastName }),
      ...(newPhone && { phone: newPhone, sms_status: subscribeNow ? 'subscribed' : 'pending' }),
      ...(Object.keys(added).length && { fields: ctx.store.dialect.writeJson({ ...current, ...added }) }),
      ...(subscribeNow && existing.email_status === 'pending' && { email_status: 'subscribed' }),
      ...(subscribeNow && existing.sms_status === 'pending' && { sms_status: 'subscribed' }),
      updated_at: now,
    })
    .where('id', '=', existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const confirmationUrl = (ctx: AppContext, signupId: number, expiresAt: number) =>
  `${ctx.config.publicUrl}/c/${confirmationToken(ctx.secret, signupId, expiresAt)}`;

const TEXT_OPTIONS = { wordwrap: false as const, selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] };

/**
 * The confirmation email, untracked, through the channel campaigns use (the outbox without
 * SMTP_URL), from no-reply at the DKIM domain or PUBLIC_URL's host in the workspace's name.
 * A failure is logged without the address: the visitor's answer does not change.
 */
async function sendConfirmation(ctx: AppContext, form: FormDef, signupId: number, contact: ContactRow, now: number): Promise<void> {
  const confirmUrl = confirmationUrl(ctx, signupId, now + CONFIRMATION_LIFETIME_MS);
  const scope = mergeData({
    confirm_url: confirmUrl,
    form: { name: form.name },
    contact: { email: contact.email, firstName: contact.first_name, lastName: contact.last_name },
  });
  try {
    const workspace = await ctx.store.db.selectFrom('workspaces').select('name').where('id', '=', form.workspaceId).executeTakeFirstOrThrow();
    const subject = (await plainLiquid.parseAndRender(form.messages.confirmationSubject, scope)).replace(/\s+/g, ' ').trim();
    const html = await htmlLiquid.parseAndRender(form.messages.confirmationHtml, scope);
    const host = ctx.config.dkim?.domain ?? new URL(ctx.config.publicUrl).hostname;
    // Not a literal: RenderedEmail gains fields (a DKIM key) that this message leaves out.
    const message = {
      kind: 'email' as const,
      messageId: 0,
      workspaceId: form.workspaceId,
      to: contact.email!,
      from: { name: workspace.name, address: `no-reply@${host}` },
      replyTo: null,
      subject: subject || 'Please confirm your subscription',
      html,
      text: convert(html, TEXT_OPTIONS),
      headers: {},
    };
    const { channel } = openChannel(inWorkspace(ctx, form.workspaceId), 'email', 1);
    try {
      const outcome = await channel.send(message);
      if (outcome.status !== 'delivered' && outcome.status !== 'sent') console.error(`forms: confirmation email of form ${form.id} not accepted (${outcome.status})`);
    } finally {
      await channel.close();
    }
  } catch (error) {
    // Not the message: a relay's refusal can quote the address.
    const { name, code } = error as Error & { code?: string };
    console.error(`forms: confirmation email of form ${form.id} not sent (${code ?? name})`);
  }
}
