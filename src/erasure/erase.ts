import { recordAudit } from '../audit/audit.js';
import type { WorkspaceContext } from '../context.js';
import { liveRow } from '../contacts/contacts.js';
import { deleteOutboxCopies } from '../delivery/channels/outbox.js';

/**
 * Erasure (GDPR art. 17): personal data goes — identity, custom fields, list
 * memberships, user agents and IPs of its events, bounce diagnostics, unmatched
 * bounce reports naming its address, outbox copies of what it was sent — while the anonymous row stays
 * so that campaign counts do not change. Only a contact of the caller's workspace: another's answers 404.
 */
export async function eraseContact(ctx: WorkspaceContext, id: number): Promise<void> {
  const { email } = await liveRow(ctx, id);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('contacts')
      .set({
        email: null,
        phone: null,
        first_name: null,
        last_name: null,
        fields: ctx.store.dialect.writeJson({}),
        email_status: 'unsubscribed',
        sms_status: 'unsubscribed',
        erased_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('list_members').where('contact_id', '=', id).execute();
    await trx.deleteFrom('campaign_audience').where('contact_id', '=', id).execute();
    await trx
      .updateTable('events')
      .set({ user_agent: null, ip: null })
      .where('message_id', 'in', (eb) => eb.selectFrom('messages').select('id').where('contact_id', '=', id))
      .execute();
    // Bounce diagnostics often quote the address, and SMS replies may name the person; open and click reasons are only the classifier's labels.
    await trx.updateTable('messages').set({ bounce_reason: null }).where('contact_id', '=', id).execute();
    await trx
      .updateTable('events')
      .set({ reason: null })
      .where('type', 'not in', ['open', 'click'])
      .where('message_id', 'in', (eb) => eb.selectFrom('messages').select('id').where('contact_id', '=', id))
      .execute();
    // The same address in another workspace is another person's contact there, with reports of its own.
    if (email) await trx.deleteFrom('unmatched_reports').where('workspace_id', '=', ctx.workspaceId).where('recipient', '=', email).execute();
    // The id alone: the log must not keep what erasure removes.
    await recordAudit(ctx, { action: 'contact.erase', objectType: 'contact', objectId: id }, trx);
  });
  await ctx.store.dialect.forgetOldRowVersions(ctx.store.db);
  const messages = await ctx.store.db.selectFrom('messages').select('id').where('contact_id', '=', id).execute();
  await deleteOutboxCopies(ctx.config, messages.map((m) => m.id));
}
