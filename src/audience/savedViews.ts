import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { parseFilter } from './filter.js';
import type { SavedView, SavedViewPatch, SavedViewWrite } from './schemas.js';
import type { Segment } from './segments.js';

/**
 * Saved views: a named segment and/or filter, kept apart from any campaign so that
 * it can be applied to any of them (`viewId` on the recipients, summary and actions).
 */

type Row = { id: number; name: string; segment: string | null; filter: unknown; created_at: number };

const toSavedView = (ctx: AppContext, row: Row): SavedView => ({
  id: row.id,
  name: row.name,
  segment: row.segment as Segment | null,
  filter: ctx.store.dialect.readJson(row.filter) ?? null,
  createdAt: iso(row.created_at)!,
});

function checked(segment: Segment | null | undefined, filter: unknown) {
  if (filter != null) parseFilter(filter, '$.filter');
  if (!segment && filter == null) throw badRequest('$: a saved view needs a segment, a filter or both', '$');
}

export async function createSavedView(ctx: AppContext, input: SavedViewWrite): Promise<SavedView> {
  checked(input.segment, input.filter);
  const row = await ctx.store.db
    .insertInto('saved_views')
    .values({ name: input.name.trim(), segment: input.segment ?? null, filter: ctx.store.dialect.writeJson(input.filter ?? null), created_at: ctx.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSavedView(ctx, row);
}

export async function listSavedViews(ctx: AppContext): Promise<SavedView[]> {
  return (await ctx.store.db.selectFrom('saved_views').selectAll().orderBy('name').orderBy('id').execute()).map((r) => toSavedView(ctx, r));
}

export async function getSavedView(ctx: AppContext, id: number): Promise<SavedView> {
  const row = await ctx.store.db.selectFrom('saved_views').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Saved view');
  return toSavedView(ctx, row);
}

export async function updateSavedView(ctx: AppContext, id: number, patch: SavedViewPatch): Promise<SavedView> {
  const current = await getSavedView(ctx, id);
  const segment = patch.segment === undefined ? current.segment : patch.segment;
  const filter = patch.filter === undefined ? current.filter : patch.filter;
  checked(segment, filter);
  await ctx.store.db
    .updateTable('saved_views')
    .set({ name: patch.name?.trim() ?? current.name, segment, filter: ctx.store.dialect.writeJson(filter ?? null) })
    .where('id', '=', id)
    .execute();
  return getSavedView(ctx, id);
}

export async function deleteSavedView(ctx: AppContext, id: number): Promise<void> {
  const result = await ctx.store.db.deleteFrom('saved_views').where('id', '=', id).executeTakeFirst();
  if (!result.numDeletedRows) throw notFound('Saved view');
}
