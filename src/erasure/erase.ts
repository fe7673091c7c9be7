import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recordAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { WorkspaceContext } from '../context.js';
import { erasedContact, liveRow } from '../contacts/contacts.js';
import { likeEscape } from '../db/dialect.js';
import { copyOwner, deleteOutboxCopies, outboxDir } from '../delivery/channels/outbox.js';

/**
 * Erasure (GDPR art. 17): personal data goes — identity, custom fields, list
 * memberships, user agents and IPs of its events, bounce diagnostics, unmatched
 * bounce reports naming its address, its consents and form sign-ups, outbox copies of what it was
 * sent (campaigns, and the confirmation emails of forms), lines of import reports quoting it — while the anonymous row stays
 * so that campaign counts do not change. Only a contact of the caller's workspace: another's answers 404.
 */
export async function eraseContact(ctx: WorkspaceContext, id: number): Promise<void> {
  const { email, phone } = await liveRow(ctx, id);
  const quoting = await importProblemsQuoting(ctx, email, phone);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('contacts')
      .set(erasedContact(ctx.store, now))
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('list_members').where('contact_id', '=', id).execute();
    await trx.deleteFrom('campaign_audience').where('contact_id', '=', id).execute();
    // Proof of consent names the person's network and browser; it goes with the person.
    await trx.deleteFrom('consents').where('contact_id', '=', id).execute();
    await trx.deleteFrom('form_signups').where('contact_id', '=', id).execute();
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
    for (const problem of quoting) {
      await trx.deleteFrom('import_errors').where('import_id', '=', problem.import_id).where('row', '=', problem.row).where('message', '=', problem.message).execute();
    }
    // The id alone: the log must not keep what erasure removes.
    await recordAudit(ctx, { action: 'contact.erase', objectType: 'contact', objectId: id }, trx);
  });
  await ctx.store.dialect.forgetOldRowVersions(ctx.store.db);
  const messages = await ctx.store.db.selectFrom('messages').select('id').where('contact_id', '=', id).execute();
  await deleteOutboxCopies(ctx.config, messages.map((m) => m.id));
  if (email) await deleteOutboxCopiesTo(ctx.config, ctx.workspaceId, email);
}

/**
 * Lines of the workspace's import reports that quote the contact: its address, or a phone
 * written any way whose digits end as the contact's number does (07911 123456 for +447911123456).
 */
async function importProblemsQuoting(ctx: WorkspaceContext, email: string | null, phone: string | null) {
  const national = phone?.replace(/\D/g, '').slice(-9);
  const patterns = [email, national?.slice(-4)].filter((p): p is string => Boolean(p)).map((p) => `%${likeEscape(p)}%`);
  if (!patterns.length) return [];
  const candidates = await ctx.store.db
    .selectFrom('import_errors')
    .select(['import_id', 'row', 'message'])
    .where('import_id', 'in', (eb) => eb.selectFrom('imports').select('id').where('workspace_id', '=', ctx.workspaceId))
    .where((eb) => eb.or(patterns.map((pattern) => ctx.store.dialect.ilike('message', pattern))))
    .execute();
  return candidates.filter(
    (problem) => (email && problem.message.toLowerCase().includes(email)) || (national && problem.message.replace(/\D/g, '').includes(national)),
  );
}

/**
 * Removes the workspace's outbox copies sent to `email` outside campaigns (a form's confirmation
 * email, a test send), which no message row names: found by their To header.
 */
async function deleteOutboxCopiesTo(config: Config, workspaceId: number, email: string): Promise<void> {
  const dir = outboxDir(config);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => {
    const owner = copyOwner(name);
    return owner?.workspaceId === workspaceId && name.endsWith('.eml') && /-test-[0-9a-f]{6}\.eml$/.test(name);
  });
  for (const name of names) {
    const raw = (await readFile(join(dir, name), 'latin1').catch(() => '')).slice(0, 64 * 1024);
    const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const to = /^to:(.*)$/im.exec(head)?.[1]?.toLowerCase().match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? ([] as string[]);
    if (to.includes(email.toLowerCase())) await rm(join(dir, name), { force: true });
  }
}
