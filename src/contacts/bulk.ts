import { recordAudit } from '../audit/audit.js';
import type { WorkspaceContext } from '../context.js';
import { badRequest, notFound } from '../http/errors.js';
import { getList } from './lists.js';
import type { BulkRequest, BulkResult } from './schemas.js';

/**
 * The live contacts of the workspace among `ids`, all of them or a 404: an id of another workspace,
 * an erased or a missing contact answers as missing, and nothing is changed.
 */
export async function liveContactIds(ctx: WorkspaceContext, ids: number[]): Promise<number[]> {
  const wanted = [...new Set(ids)];
  const found = await ctx.store.db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', 'in', wanted)
    .where('erased_at', 'is', null)
    .execute();
  if (found.length !== wanted.length) throw notFound('Contact');
  return wanted;
}

const UNSUBSCRIBABLE = ['subscribed', 'pending'] as const;

/** POST /api/contacts/bulk: add to a list, remove from one, or unsubscribe (email and SMS) a selection, with one activity line. */
export async function bulkContacts(ctx: WorkspaceContext, request: BulkRequest): Promise<BulkResult> {
  const ids = await liveContactIds(ctx, request.ids);
  if (request.action === 'unsubscribe') {
    const changed = await ctx.store.db.transaction().execute(async (trx) => {
      // Bounced and complained stay as they are: they say more than "unsubscribed".
      const affected = await trx
        .selectFrom('contacts')
        .select('id')
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', 'in', ids)
        .where((eb) => eb.or([eb('email_status', 'in', UNSUBSCRIBABLE), eb('sms_status', 'in', UNSUBSCRIBABLE)]))
        .execute();
      const now = ctx.now();
      for (const column of ['email_status', 'sms_status'] as const) {
        await trx
          .updateTable('contacts')
          .set({ [column]: 'unsubscribed', updated_at: now })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', 'in', ids)
          .where(column, 'in', UNSUBSCRIBABLE)
          .execute();
      }
      await recordAudit(ctx, { action: 'contact.unsubscribe', objectType: 'contact', objectId: null, details: { contacts: affected.length } }, trx);
      return affected.length;
    });
    return { action: request.action, contacts: ids.length, changed };
  }
  if (request.listId === undefined) throw badRequest(`$.listId is required to ${request.action === 'addToList' ? 'add contacts to' : 'remove contacts from'} a list`, '$.listId');
  const listId = (await getList(ctx, request.listId)).id;
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    let count: number;
    if (request.action === 'addToList') {
      const now = ctx.now();
      const result = await trx
        .insertInto('list_members')
        .values(ids.map((id) => ({ list_id: listId, contact_id: id, added_at: now })))
        .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
        .executeTakeFirst();
      count = Number(result.numInsertedOrUpdatedRows ?? 0);
    } else {
      const result = await trx.deleteFrom('list_members').where('list_id', '=', listId).where('contact_id', 'in', ids).executeTakeFirst();
      count = Number(result.numDeletedRows);
    }
    await recordAudit(
      ctx,
      { action: request.action === 'addToList' ? 'list.addContacts' : 'list.removeContacts', objectType: 'list', objectId: listId, details: { contacts: count } },
      trx,
    );
    return count;
  });
  return { action: request.action, contacts: ids.length, changed };
}
