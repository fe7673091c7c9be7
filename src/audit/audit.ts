import type { Kysely } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';

/**
 * The workspace's activity: who did what to which object, append-only (rows are inserted,
 * never changed). Actions are `<object>.<verb>`; SPEC §9 lists those that must be recorded.
 */
export type AuditAction =
  | 'campaign.send'
  | 'campaign.schedule'
  | 'campaign.pause'
  | 'campaign.resume'
  | 'campaign.cancel'
  | 'campaign.relaunch'
  | 'campaign.ab_winner'
  | 'autoRelaunch.create'
  | 'autoRelaunch.cancel'
  | 'recipients.export'
  | 'list.createFromView'
  | 'import.start'
  | 'contact.erase'
  | 'apikey.create'
  | 'apikey.revoke'
  | 'member.invite'
  | 'invitation.revoke'
  | 'member.join'
  | 'member.role'
  | 'member.remove'
  | 'domain.add'
  | 'domain.remove'
  | 'workspace.create'
  | 'workspace.rename'
  | 'form.create'
  | 'form.update'
  | 'form.delete'
  | 'template.create'
  | 'template.update'
  | 'template.delete'
  | 'campaign.duplicate'
  | 'campaign.archive'
  | 'campaign.unarchive'
  | 'contact.unsubscribe'
  | 'list.addContacts'
  | 'list.removeContacts';

export interface AuditEntry {
  action: AuditAction;
  objectType: string;
  objectId: number | null;
  /** What matters to a reader later: the view of an export, the count of a relaunch… Never personal data beyond an email the action is about. */
  details?: Record<string, unknown>;
}

/** Appends one entry for the context's actor; `db` is the transaction of the action itself when there is one, so both commit or neither. */
export async function recordAudit(ctx: WorkspaceContext, entry: AuditEntry, db: Kysely<Database> = ctx.store.db): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: ctx.workspaceId,
      at: ctx.now(),
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      actor_name: ctx.actor.name,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId,
      details: ctx.store.dialect.writeJson(entry.details ?? {}),
    })
    .execute();
}

const isBefore = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && typeof (v as { before: unknown }).before === 'number';

/** Newest first, `limit` at a time; the cursor is the last id seen. */
export async function listAudit(ctx: WorkspaceContext, query: { cursor?: string; limit?: number }) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, isBefore)?.before;
  let select = ctx.store.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ctx.workspaceId);
  if (before !== undefined) select = select.where('id', '<', before);
  const rows = await select.orderBy('id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    at: iso(row.at)!,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    details: (ctx.store.dialect.readJson(row.details) ?? {}) as Record<string, unknown>,
  }));
  return { items, nextCursor: rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null };
}
