import type { WorkspaceContext } from '../context.js';
import { badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { parseFilter, type ParsedFilter } from './filter.js';
import type { SavedView } from './schemas.js';
import type { Segment } from './segments.js';

/**
 * Saved views: a named segment and/or filter, kept apart from any campaign so that
 * it can be applied to any of them (`viewId` on the recipients, summary and actions).
 * They belong to a workspace: another workspace's view is as absent as a missing one.
 */

type Row = { id: number; name: string; segment: string | null; filter: unknown; created_at: number };

const toSavedView = (ctx: WorkspaceContext, row: Row): SavedView => ({
  id: row.id,
  name: row.name,
  segment: row.segment as Segment | null,
  filter: ctx.store.dialect.readJson(row.filter) ?? null,
  createdAt: iso(row.created_at)!,
});

/** A saved view as written: its filter already parsed (null removes it). */
export interface SavedViewInput {
  name: string;
  segment?: Segment | null;
  filter?: ParsedFilter | null;
}

function checked(segment: Segment | null | undefined, filter: unknown) {
  if (!segment && filter == null) throw badRequest('$: a saved view needs a segment, a filter or both', '$');
}

export async function createSavedView(ctx: WorkspaceContext, input: SavedViewInput): Promise<SavedView> {
  checked(input.segment, input.filter);
  const row = await ctx.store.db
    .insertInto('saved_views')
    .values({
      workspace_id: ctx.workspaceId,
      name: input.name.trim(),
      segment: input.segment ?? null,
      filter: ctx.store.dialect.writeJson(input.filter?.filter ?? null),
      created_at: ctx.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSavedView(ctx, row);
}

export async function listSavedViews(ctx: WorkspaceContext): Promise<SavedView[]> {
  const rows = await ctx.store.db.selectFrom('saved_views').selectAll().where('workspace_id', '=', ctx.workspaceId).orderBy('name').orderBy('id').execute();
  return rows.map((r) => toSavedView(ctx, r));
}

export async function getSavedView(ctx: WorkspaceContext, id: number): Promise<SavedView> {
  const row = await ctx.store.db
    .selectFrom('saved_views')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('Saved view');
  return toSavedView(ctx, row);
}

/**
 * A saved view's segment and filter, to apply it; the stored filter is parsed here,
 * where it is loaded. `path` is where the request named the view.
 */
export async function loadSavedView(ctx: WorkspaceContext, id: number, path: string): Promise<{ segment?: Segment; filter?: ParsedFilter }> {
  const row = await ctx.store.db
    .selectFrom('saved_views')
    .select(['segment', 'filter'])
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .executeTakeFirst();
  if (!row) throw badRequest(`${path}: saved view ${id} does not exist`, path);
  const filter = ctx.store.dialect.readJson(row.filter);
  return { segment: (row.segment ?? undefined) as Segment | undefined, filter: filter == null ? undefined : parseFilter(filter, path) };
}

export async function updateSavedView(ctx: WorkspaceContext, id: number, patch: Partial<SavedViewInput>): Promise<SavedView> {
  const current = await getSavedView(ctx, id);
  const segment = patch.segment === undefined ? current.segment : patch.segment;
  // Left out of the patch, the stored filter is kept as it is.
  const filter = patch.filter === undefined ? current.filter : (patch.filter?.filter ?? null);
  checked(segment, filter);
  await ctx.store.db
    .updateTable('saved_views')
    .set({ name: patch.name?.trim() ?? current.name, segment, filter: ctx.store.dialect.writeJson(filter ?? null) })
    .where('id', '=', id)
    .where('workspace_id', '=', ctx.workspaceId)
    .execute();
  return getSavedView(ctx, id);
}

export async function deleteSavedView(ctx: WorkspaceContext, id: number): Promise<void> {
  const result = await ctx.store.db.deleteFrom('saved_views').where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  if (!result.numDeletedRows) throw notFound('Saved view');
}
