import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { erasedContact } from '../contacts/contacts.js';
import type { Database } from '../db/schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * Removes the contacts that signed up through a double opt-in form and never confirmed:
 * still `pending` (only a form makes a contact pending, and only a new one), older than
 * SIGNUP_EXPIRY_DAYS, and without a confirmed or unexpired sign-up. Their memberships,
 * sign-ups and consents go with them. One that a campaign already counted as skipped keeps an
 * anonymous row, as erasure leaves it, so that the campaign's numbers do not change.
 * Answers how many were removed.
 */
export async function expireSignups(ctx: AppContext, now: number): Promise<number> {
  const cutoff = now - ctx.config.signupExpiryDays * DAY_MS;
  const expired = (db: Kysely<Database>) =>
    db
      .selectFrom('contacts')
      .select('id')
      .where('email_status', '=', 'pending')
      .where('erased_at', 'is', null)
      .where('created_at', '<=', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('form_signups')
              .select(sql`1`.as('one'))
              .whereRef('form_signups.contact_id', '=', 'contacts.id')
              .where((eb) => eb.or([eb('confirmed_at', 'is not', null), eb('expires_at', '>', now)])),
          ),
        ),
      );
  let removed = 0;
  for (;;) {
    const found = await expired(ctx.store.db).orderBy('id').limit(BATCH).execute();
    if (!found.length) return removed;
    await ctx.store.db.transaction().execute(async (trx) => {
      // Again inside the transaction, locked: a contact confirmed meanwhile is no longer pending and stays.
      const ids = (await ctx.store.dialect.skipLocked(expired(trx).where('id', 'in', found.map((r) => r.id))).execute()).map((r) => r.id);
      if (!ids.length) return;

      const counted = new Set((await trx.selectFrom('messages').select('contact_id').distinct().where('contact_id', 'in', ids).execute()).map((m) => m.contact_id));
      const gone = ids.filter((id) => !counted.has(id));
      const kept = ids.filter((id) => counted.has(id));
      await trx.deleteFrom('list_members').where('contact_id', 'in', ids).execute();
      await trx.deleteFrom('campaign_audience').where('contact_id', 'in', ids).execute();
      await trx.deleteFrom('form_signups').where('contact_id', 'in', ids).execute();
      await trx.deleteFrom('consents').where('contact_id', 'in', ids).execute();
      if (kept.length) {
        await trx
          .updateTable('contacts')
          .set(erasedContact(ctx.store, now))
          .where('id', 'in', kept)
          .execute();
      }
      if (gone.length) await trx.deleteFrom('contacts').where('id', 'in', gone).execute();
      removed += ids.length;
    });
    if (found.length < BATCH) return removed;
  }
}
