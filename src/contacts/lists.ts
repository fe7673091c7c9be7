import { sql } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import type { List } from './schemas.js';

const CHUNK = 1000;

function listsWithSize(ctx: WorkspaceContext) {
  return ctx.store.db
    .selectFrom('lists')
    .where('lists.workspace_id', '=', ctx.workspaceId)
    .select((eb) => [
      'lists.id',
      'lists.name',
      'lists.created_at',
      eb.selectFrom('list_members').select(sql<number>`count(*)`.as('n')).whereRef('list_members.list_id', '=', 'lists.id').as('size'),
    ]);
}

const toList = (row: { id: number; name: string; created_at: number; size: number | null }): List => ({
  id: row.id,
  name: row.name,
  size: Number(row.size ?? 0),
  pending: 0,
  publicName: null,
  onPreferences: false,
  createdAt: iso(row.created_at)!,
});

export async function createList(ctx: WorkspaceContext, name: string): Promise<List> {
  const row = await ctx.store.db
    .insertInto('lists')
    .values({ workspace_id: ctx.workspaceId, name: name.trim(), created_at: ctx.now() })
    .returning(['id', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
  return toList({ ...row, size: 0 });
}

export async function listLists(ctx: WorkspaceContext): Promise<List[]> {
  return (await listsWithSize(ctx).orderBy('lists.id').execute()).map(toList);
}

/** The workspace's list; another workspace's answers as a missing one. */
export async function getList(ctx: WorkspaceContext, id: number): Promise<List> {
  const row = await listsWithSize(ctx).where('lists.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('List');
  return toList(row);
}

export async function renameList(ctx: WorkspaceContext, id: number, name: string): Promise<List> {
  const result = await ctx.store.db
    .updateTable('lists')
    .set({ name: name.trim() })
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!result.numUpdatedRows) throw notFound('List');
  return getList(ctx, id);
}

export async function deleteList(ctx: WorkspaceContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('lists').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
    if (!result.numDeletedRows) throw notFound('List');
    await trx.deleteFrom('list_members').where('list_id', '=', id).execute();
  });
}

/** Adds the workspace's contacts that exist and are not erased; reports the ids that are not (another workspace's among them). */
export async function addMembers(ctx: WorkspaceContext, listId: number, contactIds: number[]) {
  await getList(ctx, listId);
  const wanted = [...new Set(contactIds)];
  let added = 0;
  const found = new Set<number>();
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const chunk = wanted.slice(i, i + CHUNK);
      const live = await trx
        .selectFrom('contacts')
        .select('id')
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', 'in', chunk)
        .where('erased_at', 'is', null)
        .execute();
      live.forEach((c) => found.add(c.id));
      if (!live.length) continue;
      const result = await trx
        .insertInto('list_members')
        .values(live.map((c) => ({ list_id: listId, contact_id: c.id, added_at: now })))
        .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
  });
  return { added, notFound: wanted.filter((id) => !found.has(id)) };
}

export async function removeMembers(ctx: WorkspaceContext, listId: number, contactIds: number[]) {
  // The list is the workspace's, so its members are too: no contact of another workspace can be removed from it.
  await getList(ctx, listId);
  let removed = 0;
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    const result = await ctx.store.db
      .deleteFrom('list_members')
      .where('list_id', '=', listId)
      .where('contact_id', 'in', contactIds.slice(i, i + CHUNK))
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return { removed };
}

/**
 * How many distinct contacts the lists hold, and how many of them a campaign on
 * this channel would reach (not erased, with an address, subscribed): the count
 * the audience picker shows, where summing list sizes would count a contact in
 * two lists twice. A list of another workspace answers 404, as a missing one.
 */
export async function audienceCount(ctx: WorkspaceContext, listIds: number[], channel: 'email' | 'sms') {
  const wanted = [...new Set(listIds)];
  const lists = wanted.length
    ? await ctx.store.db.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', wanted).execute()
    : [];
  if (lists.length !== wanted.length) throw notFound('List');
  const address = channel === 'email' ? 'email' : 'phone';
  const status = channel === 'email' ? 'email_status' : 'sms_status';
  const row = await ctx.store.db
    .selectFrom('contacts')
    .select([
      sql<number>`count(*)`.as('contacts'),
      sql<number>`coalesce(sum(case when erased_at is null and ${sql.ref(address)} is not null and ${sql.ref(status)} = 'subscribed' then 1 else 0 end), 0)`.as('reachable'),
    ])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', 'in', (eb) => eb.selectFrom('list_members').select('contact_id').where('list_id', 'in', wanted.length ? wanted : [0]))
    .executeTakeFirstOrThrow();
  return { contacts: Number(row.contacts), reachable: Number(row.reachable) };
}
