import type { AppContext } from '../context.js';
import { formById } from './forms.js';
import type { FormDef } from './model.js';
import { textFingerprint } from './pages.js';
import { addToLists, recordConsent, type Visitor } from './signup.js';
import { readConfirmationToken } from './tokens.js';

/** What a confirmation link leads to. */
export type Confirmation =
  /** Not a link we signed, or its sign-up is gone (form deleted, contact erased or expired): 404. */
  | { kind: 'unknown' }
  /** Signed, but past its 7 days: 410. */
  | { kind: 'expired'; form: FormDef | undefined }
  /** The page with the consent text and the Confirm button. */
  | { kind: 'ask'; form: FormDef; email: string }
  /** Confirmed (now, or before: a second press changes nothing). */
  | { kind: 'confirmed'; form: FormDef };

async function signupOf(ctx: AppContext, token: string) {
  const claims = readConfirmationToken(ctx.secret, token);
  if (!claims) return { kind: 'unknown' } as const;
  const signup = await ctx.store.db
    .selectFrom('form_signups')
    .innerJoin('contacts', 'contacts.id', 'form_signups.contact_id')
    .select(['form_signups.id', 'form_signups.form_id', 'form_signups.contact_id', 'form_signups.confirmed_at', 'contacts.email'])
    .where('form_signups.id', '=', claims.signupId)
    .where('contacts.erased_at', 'is', null)
    .executeTakeFirst();
  const form = signup && (await formById(ctx, signup.form_id));
  if (!signup || !form || !signup.email) return { kind: 'unknown' } as const;
  if (signup.confirmed_at !== null) return { kind: 'confirmed', form } as const;
  if (claims.expiresAt <= ctx.now()) return { kind: 'expired', form } as const;
  return { kind: 'ask', form, email: signup.email, signup } as const;
}

/** GET of the link: what to show. Changes nothing: mail scanners open every link they see. */
export async function describeConfirmation(ctx: AppContext, token: string): Promise<Confirmation> {
  const found = await signupOf(ctx, token);
  return found.kind === 'ask' ? { kind: 'ask', form: found.form, email: found.email } : found;
}

/**
 * The Confirm button's POST: subscribes the contact (an unsubscribed or pending address; a
 * bounced or complained one keeps its status), adds it to the form's lists and records the
 * consent with the text the page showed. When the form's text changed since the page was
 * shown (`shown` is its fingerprint), the page is shown again with the new text instead.
 * The sign-up is marked confirmed in the same transaction, so a second press changes nothing.
 */
export async function confirm(ctx: AppContext, token: string, shown: string | undefined, visitor: Visitor): Promise<Confirmation> {
  const found = await signupOf(ctx, token);
  if (found.kind !== 'ask') return found;
  const { form, signup } = found;
  if (shown !== textFingerprint(form.consentText)) return { kind: 'ask', form, email: found.email };
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const marked = await trx.updateTable('form_signups').set({ confirmed_at: now }).where('id', '=', signup.id).where('confirmed_at', 'is', null).executeTakeFirst();
    if (!marked.numUpdatedRows) return;
    await trx
      .updateTable('contacts')
      .set({ email_status: 'subscribed', updated_at: now })
      .where('id', '=', signup.contact_id)
      .where('email_status', 'in', ['pending', 'unsubscribed'])
      .execute();
    await trx.updateTable('contacts').set({ sms_status: 'subscribed' }).where('id', '=', signup.contact_id).where('sms_status', '=', 'pending').execute();
    await addToLists(trx, form, signup.contact_id, now);
    await recordConsent(trx, form, signup.contact_id, form.consentText, visitor, now);
  });
  return { kind: 'confirmed', form };
}
