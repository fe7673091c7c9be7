import type { Kysely } from 'kysely';
import type { CustomFieldType, Database } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The type a value gives a field the first time it is written. */
export function typeOf(value: unknown): CustomFieldType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return 'date';
  return 'string';
}

/** Records the workspace's field names not seen before; the first value written in that workspace decides the type. */
export async function registerFields(db: Kysely<Database>, workspaceId: number, fields: Record<string, unknown>, now: number): Promise<void> {
  const rows = Object.entries(fields)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => ({ workspace_id: workspaceId, name, type: typeOf(value), created_at: now }));
  if (!rows.length) return;
  await db.insertInto('custom_fields').values(rows).onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing()).execute();
}

export async function listFields(ctx: WorkspaceContext) {
  return ctx.store.db.selectFrom('custom_fields').select(['name', 'type']).where('workspace_id', '=', ctx.workspaceId).orderBy('name').execute();
}

/** The workspace's fields and their types: what an import matches its columns against and coerces its cells to. */
export async function fieldTypes(ctx: WorkspaceContext): Promise<Map<string, CustomFieldType>> {
  const rows = await ctx.store.db.selectFrom('custom_fields').select(['name', 'type']).where('workspace_id', '=', ctx.workspaceId).execute();
  return new Map(rows.map((f) => [f.name, f.type]));
}

/**
 * A CSV cell as the field's registered type: "42" → 42 for numbers, "yes" → true
 * for booleans. Undefined when the text does not fit the type.
 */
export function coerceCell(text: string, type: CustomFieldType | undefined): string | number | boolean | undefined {
  switch (type) {
    case 'number': {
      const n = Number(text.replace(',', '.'));
      return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['true', 'yes', 'y', '1', 'oui', 'x'].includes(t)) return true;
      if (['false', 'no', 'n', '0', 'non'].includes(t)) return false;
      return undefined;
    }
    case 'date':
      return ISO_DATE.test(text.trim()) && !Number.isNaN(Date.parse(text.trim())) ? text.trim() : undefined;
    default:
      return text;
  }
}
