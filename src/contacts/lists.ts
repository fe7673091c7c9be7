import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import type { List } from './schemas.js';

const CHUNK = 1000;

function listsWithSize(ctx: AppContext) {
  return ctx.store.db
    .selectFrom('lists')
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
  createdAt: iso(row.created_at)!,
});

export async function createList(ctx: AppContext, name: string): Promise<List> {
  const row = await ctx.store.db
    .insertInto('lists')
    .values({ name: name.trim(), created_at: ctx.now() })
    .returning(['id', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
  return toList({ ...row, size: 0 });
}

export async function listLists(ctx: AppContext): Promise<List[]> {
  return (await listsWithSize(ctx).orderBy('lists.id').execute()).map(toList);
}

export async function getList(ctx: AppContext, id: number): Promise<List> {
  const row = await listsWithSize(ctx).where('lists.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('List');
  return toList(row);
}

export async function renameList(ctx: AppContext, id: number, name: string): Promise<List> {
  const result = await ctx.store.db.updateTable('lists').set({ name: name.trim() }).where('id', '=', id).executeTakeFirst();
  if (!result.numUpdatedRows) throw notFound('List');
  return getList(ctx, id);
}

export async function deleteList(ctx: AppContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('lists').where('id', '=', id).executeTakeFirst();
    if (!result.numDeletedRows) throw notFound('List');
    await trx.deleteFrom('list_members').where('list_id', '=', id).execute();
  });
}

/** Adds the contacts that exist and are not erased; reports the ids that are not contacts. */
export async function addMembers(ctx: AppContext, listId: number, contactIds: number[]) {
  await getList(ctx, listId);
  const wanted = [...new Set(contactIds)];
  let added = 0;
  const found = new Set<number>();
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const chunk = wanted.slice(i, i + CHUNK);
      const live = await trx.selectFrom('contacts').select('id').where('id', 'in', chunk).where('erased_at', 'is', null).execute();
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

export async function removeMembers(ctx: AppContext, listId: number, contactIds: number[]) {
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
 * two lists twice.
 */
export async function audienceCount(ctx: AppContext, listIds: number[], channel: 'email' | 'sms') {
  const address = channel === 'email' ? 'email' : 'phone';
  const status = channel === 'email' ? 'email_status' : 'sms_status';
  const row = await ctx.store.db
    .selectFrom('contacts')
    .select([
      sql<number>`count(*)`.as('contacts'),
      sql<number>`coalesce(sum(case when erased_at is null and ${sql.ref(address)} is not null and ${sql.ref(status)} = 'subscribed' then 1 else 0 end), 0)`.as('reachable'),
    ])
    .where('id', 'in', (eb) => eb.selectFrom('list_members').select('contact_id').where('list_id', 'in', listIds.length ? listIds : [0]))
    .executeTakeFirstOrThrow();
  return { contacts: Number(row.contacts), reachable: Number(row.reachable) };
}
