import type { Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { WorkspaceContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import type { List, ListWrite as ListWriteSchema } from './schemas.js';

type ListWrite = Static<typeof ListWriteSchema>;

const CHUNK = 1000;

/**
 * Lists with their members counted in one grouped query: `size` those who are not
 * pending, `pending` the sign-ups not confirmed yet (no campaign reaches them).
 */
function listsWithSize(ctx: WorkspaceContext) {
  const pending = sql<number>`coalesce(sum(case when contacts.email_status = 'pending' then 1 else 0 end), 0)`;
  return ctx.store.db
    .selectFrom('lists')
    .leftJoin('list_members', 'list_members.list_id', 'lists.id')
    .leftJoin('contacts', 'contacts.id', 'list_members.contact_id')
    .where('lists.workspace_id', '=', ctx.workspaceId)
    .groupBy(['lists.id', 'lists.name', 'lists.public_name', 'lists.on_preferences', 'lists.created_at'])
    .select([
      'lists.id',
      'lists.name',
      'lists.public_name',
      'lists.on_preferences',
      'lists.created_at',
      sql<number>`count(list_members.contact_id) - ${pending}`.as('size'),
      pending.as('pending'),
    ]);
}

interface ListRow {
  id: number;
  name: string;
  public_name: string | null;
  on_preferences: number;
  created_at: number;
  size: number | string | null;
  pending: number | string | null;
}

const toList = (row: ListRow): List => ({
  id: row.id,
  name: row.name,
  size: Number(row.size ?? 0),
  pending: Number(row.pending ?? 0),
  publicName: row.public_name,
  onPreferences: row.on_preferences === 1,
  createdAt: iso(row.created_at)!,
});

/** A blank public name means none: subscribers then see the list's name. */
const publicName = (value: string | null | undefined) => (value == null ? value : value.trim() || null);

export async function createList(ctx: WorkspaceContext, input: ListWrite): Promise<List> {
  const row = await ctx.store.db
    .insertInto('lists')
    .values({
      workspace_id: ctx.workspaceId,
      name: input.name.trim(),
      public_name: publicName(input.publicName) ?? null,
      on_preferences: input.onPreferences ? 1 : 0,
      created_at: ctx.now(),
    })
    .returning(['id', 'name', 'public_name', 'on_preferences', 'created_at'])
    .executeTakeFirstOrThrow();
  return toList({ ...row, size: 0, pending: 0 });
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

/** Renames the list; publicName and onPreferences change only when given. */
export async function updateList(ctx: WorkspaceContext, id: number, input: ListWrite): Promise<List> {
  const result = await ctx.store.db
    .updateTable('lists')
    .set({
      name: input.name.trim(),
      ...(input.publicName !== undefined && { public_name: publicName(input.publicName) }),
      ...(input.onPreferences !== undefined && { on_preferences: input.onPreferences ? 1 : 0 }),
    })
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

/** A list as a subscriber sees it on the preference page. */
export interface PreferenceList {
  id: number;
  /** The public name, else the name. */
  name: string;
  member: boolean;
}

/** The workspace's lists shown on the preference page, and whether the contact is in each. */
export async function preferenceLists(ctx: WorkspaceContext, contactId: number): Promise<PreferenceList[]> {
  const rows = await ctx.store.db
    .selectFrom('lists')
    .leftJoin('list_members', (join) => join.onRef('list_members.list_id', '=', 'lists.id').on('list_members.contact_id', '=', contactId))
    .select(['lists.id', 'lists.name', 'lists.public_name', 'list_members.contact_id as member'])
    .where('lists.workspace_id', '=', ctx.workspaceId)
    .where('lists.on_preferences', '=', 1)
    .orderBy('lists.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.public_name ?? r.name, member: r.member !== null }));
}

/**
 * A subscriber's choice on the preference page: in `chosen` of the lists it was
 * `offered`, out of the others. Only lists offered and still on the preference page
 * change, so a forged id (a list not shown, another workspace's) changes nothing; an
 * erased contact joins nothing. Answers the lists as they now are.
 */
export async function savePreferences(ctx: WorkspaceContext, contactId: number, offered: number[], chosen: number[]): Promise<PreferenceList[]> {
  const shown = await preferenceLists(ctx, contactId);
  const offer = new Set(offered);
  const want = new Set(chosen);
  const join = shown.filter((l) => offer.has(l.id) && want.has(l.id) && !l.member).map((l) => l.id);
  const leave = shown.filter((l) => offer.has(l.id) && !want.has(l.id) && l.member).map((l) => l.id);
  if (!join.length && !leave.length) return shown;
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const live = await trx
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', contactId)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (!live) return;
    // Read again inside the transaction: a list taken off the page meanwhile is left alone.
    const still = await trx
      .selectFrom('lists')
      .select('id')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('on_preferences', '=', 1)
      .where('id', 'in', [...join, ...leave])
      .execute();
    const allowed = new Set(still.map((l) => l.id));
    const joining = join.filter((id) => allowed.has(id));
    const leaving = leave.filter((id) => allowed.has(id));
    if (joining.length) {
      await trx
        .insertInto('list_members')
        .values(joining.map((listId) => ({ list_id: listId, contact_id: contactId, added_at: now })))
        .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
        .execute();
    }
    if (leaving.length) await trx.deleteFrom('list_members').where('contact_id', '=', contactId).where('list_id', 'in', leaving).execute();
  });
  return preferenceLists(ctx, contactId);
}
