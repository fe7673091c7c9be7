import { sql, type Transaction } from 'kysely';
import type { AppContext, WorkspaceContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { registerFields } from './fields.js';
import type { Candidate, RowProblem } from './importRows.js';

const BATCH = 1000;
/** Row errors kept per import; beyond that they are only counted. */
const MAX_STORED_ERRORS = 10_000;

/**
 * import_errors keeps one text per problem: the message alone for a row-wide one
 * (as imports before column and value were reported), else a JSON object that
 * readProblem takes apart. The value is the cell as the file had it, shown to
 * whoever reads the import; it goes with the import's errors.
 */
export function storedProblem(problem: RowProblem): { row: number; message: string } {
  if (problem.column === null && problem.skipped) return { row: problem.row, message: problem.message };
  const { message, column, value, skipped } = problem;
  return { row: problem.row, message: JSON.stringify({ message, column, value, skipped }) };
}

export function readProblem(stored: { row: number; message: string }): RowProblem {
  if (stored.message.startsWith('{')) {
    try {
      const { message, column, value, skipped } = JSON.parse(stored.message);
      return { row: stored.row, message: String(message), column: column ?? null, value: value ?? null, skipped: skipped !== false };
    } catch {
      // not one of ours: shown as written
    }
  }
  return { row: stored.row, message: stored.message, column: null, value: null, skipped: true };
}

interface Progress {
  processed: number;
  imported: number;
  updated: number;
  skipped: number;
  storedErrors: number;
}

/**
 * Gathers an import's rows into batches and writes them. One batch is written
 * while the next is gathered; writes stay one at a time, so each batch sees the
 * previous one committed. A write that fails is thrown by the next call.
 */
export function batchWriter(ctx: WorkspaceContext, importId: number, listId: number | null, registeredFields: Set<string>) {
  const progress: Progress = { processed: 0, imported: 0, updated: 0, skipped: 0, storedErrors: 0 };
  let batch: Candidate[] = [];
  let errors: RowProblem[] = [];
  let skippedRows = 0;
  const keysInBatch = new Set<string>();
  let writing = Promise.resolve();

  const flush = async () => {
    const [rows, rowErrors, skipped] = [batch, errors, skippedRows];
    batch = [];
    errors = [];
    skippedRows = 0;
    keysInBatch.clear();
    await writing;
    writing = writeBatch(ctx, importId, listId, rows, rowErrors, skipped, progress, registeredFields);
    writing.catch(() => {}); // observed by the next await; no unhandled rejection meanwhile
  };
  const flushWhenFull = () => (batch.length + skippedRows >= BATCH || errors.length >= BATCH ? flush() : undefined);

  return {
    /** A row to write, with the problems of the cells it is written without. */
    async add(candidate: Candidate, problems: RowProblem[] = []): Promise<void> {
      const keys = [candidate.email && `e:${candidate.email}`, candidate.phone && `p:${candidate.phone}`].filter(Boolean) as string[];
      // The same person twice in one batch: write the first before reading the second.
      if (keys.some((k) => keysInBatch.has(k))) await flush();
      keys.forEach((k) => keysInBatch.add(k));
      batch.push(candidate);
      errors.push(...problems);
      await flushWhenFull();
    },
    /** A row not written, and why. */
    async skip(problems: RowProblem[]): Promise<void> {
      skippedRows++;
      errors.push(...problems);
      await flushWhenFull();
    },
    /** Writes the rows gathered so far and waits for every write. */
    async finish(): Promise<void> {
      await flush();
      await writing;
    },
    /** Waits for the batch being written and drops the rows gathered since (a shutdown: the import starts again from the top). */
    async abandon(): Promise<void> {
      await writing;
    },
  };
}

/** One transaction per batch: match the workspace's existing contacts, insert the new, update the known, join the list, record progress. */
async function writeBatch(
  ctx: WorkspaceContext,
  importId: number,
  listId: number | null,
  batch: Candidate[],
  errors: RowProblem[],
  skippedRows: number,
  progress: Progress,
  registered: Set<string>,
): Promise<void> {
  const now = ctx.now();
  const { dialect } = ctx.store;
  await ctx.store.db.transaction().execute(async (trx) => {
    // Whole batches travel as one JSON parameter (dialect.jsonRows): a thousand bound values cost more to bind than to write.
    const byKey = async (column: 'email' | 'phone') => {
      const keys = batch.flatMap((c) => (c[column] ? [{ key: c[column] }] : []));
      const found = new Map<string, number>();
      if (!keys.length) return found;
      const rows = await trx
        .selectFrom('contacts')
        .select(['id', column])
        .where('workspace_id', '=', ctx.workspaceId)
        .where(column, 'in', sql<string>`(select key from ${dialect.jsonRows(keys, { key: 'text' })} as k)`)
        .execute();
      for (const row of rows) found.set(row[column] as string, row.id);
      return found;
    };
    const byEmail = await byKey('email');
    const byPhone = await byKey('phone');

    const inserts: Candidate[] = [];
    const updates: Array<Candidate & { id: number }> = [];
    let conflicts = 0;
    for (const candidate of batch) {
      const idByEmail = candidate.email ? byEmail.get(candidate.email) : undefined;
      const idByPhone = candidate.phone ? byPhone.get(candidate.phone) : undefined;
      if (idByEmail !== undefined && idByPhone !== undefined && idByEmail !== idByPhone) {
        conflicts++;
        // Its cell problems, if any, are now those of a skipped row.
        for (const problem of errors) if (problem.row === candidate.row) problem.skipped = true;
        errors.push({ row: candidate.row, message: 'the email and the phone belong to two different contacts', column: null, value: null, skipped: true });
        continue;
      }
      const id = idByEmail ?? idByPhone;
      if (id === undefined) inserts.push(candidate);
      else updates.push({ ...candidate, id });
    }

    const memberIds: number[] = updates.map((u) => u.id);
    if (inserts.length) {
      const rows = inserts.map((c) => ({ email: c.email ?? null, phone: c.phone ?? null, first_name: c.firstName ?? null, last_name: c.lastName ?? null, fields: c.fields }));
      const created = await sql<{ id: number }>`
        insert into contacts (workspace_id, email, phone, first_name, last_name, fields, tracking_consent, created_at, updated_at)
        select ${ctx.workspaceId}, r.email, r.phone, r.first_name, r.last_name, r.fields, ${ctx.config.trackingConsentDefault ? 1 : 0}, ${now}, ${now}
        from ${dialect.jsonRows(rows, { email: 'text', phone: 'text', first_name: 'text', last_name: 'text', fields: 'jsonb' })} as r
        returning id`.execute(trx);
      memberIds.push(...created.rows.map((c) => c.id));
    }
    if (updates.length) await updateContacts(trx, ctx.workspaceId, dialect.jsonMerge, updates, now);

    const newFields: Record<string, unknown> = {};
    for (const c of batch) for (const [name, value] of Object.entries(c.fields)) if (!registered.has(name)) newFields[name] ??= value;
    await registerFields(trx, ctx.workspaceId, newFields, now);
    Object.keys(newFields).forEach((name) => registered.add(name));

    if (listId !== null && memberIds.length) {
      await sql`
        insert into list_members (list_id, contact_id, added_at)
        select ${listId}, m.id, ${now} from ${dialect.jsonRows(memberIds.map((id) => ({ id })), { id: 'bigint' })} as m where true
        on conflict (list_id, contact_id) do nothing`.execute(trx);
    }
    const keep = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - progress.storedErrors));
    if (keep.length) await trx.insertInto('import_errors').values(keep.map((e) => ({ import_id: importId, ...storedProblem(e) }))).execute();
    progress.storedErrors += keep.length;
    progress.processed += inserts.length + updates.length + skippedRows + conflicts;
    progress.imported += inserts.length;
    progress.updated += updates.length;
    progress.skipped += skippedRows + conflicts;
    await trx
      .updateTable('imports')
      .set({ processed: progress.processed, imported: progress.imported, updated: progress.updated, skipped: progress.skipped })
      .where('id', '=', importId)
      .execute();
  });
}

/**
 * One UPDATE … FROM (VALUES …) for the whole batch (both dialects name VALUES
 * columns column1…columnN): each column keeps its value when the file had none,
 * custom fields are merged key by key.
 */
async function updateContacts(
  trx: Transaction<Database>,
  workspaceId: number,
  jsonMerge: AppContext['store']['dialect']['jsonMerge'],
  updates: Array<Candidate & { id: number }>,
  now: number,
): Promise<void> {
  const rows = updates.map(
    (u) =>
      sql`(${u.id}, ${u.email ?? null}, ${u.phone ?? null}, ${u.firstName ?? null}, ${u.lastName ?? null}, ${JSON.stringify(u.fields)})`,
  );
  await sql`
    update contacts set
      email = coalesce(v.column2, contacts.email),
      phone = coalesce(v.column3, contacts.phone),
      first_name = coalesce(v.column4, contacts.first_name),
      last_name = coalesce(v.column5, contacts.last_name),
      fields = ${jsonMerge('contacts.fields', sql`v.column6`)},
      updated_at = ${now}
    from (values ${sql.join(rows)}) as v
    where contacts.id = cast(v.column1 as bigint) and contacts.workspace_id = ${workspaceId}`.execute(trx);
}
