import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pipeStreams } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { sql, type Transaction } from 'kysely';
import { isTransientDatabaseError } from '../db/connection.js';
import type { CustomFieldType, Database } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { coerceCell, registerFields } from './fields.js';
import { planImport, type ImportPlan, type Target } from './importPlan.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import { CONTACT_LIMITS } from './schemas.js';

const BATCH = 1000;
/** Row errors kept per import; beyond that they are only counted. */
const MAX_STORED_ERRORS = 10_000;
const ERRORS_SHOWN = 1000;

/** Imports running in this process, so that shutdown can wait for the batch in flight. */
const running = new Map<number, Promise<void>>();
let stopping = false;

interface Candidate {
  row: number;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  fields: Record<string, unknown>;
}

interface Progress {
  processed: number;
  imported: number;
  updated: number;
  skipped: number;
  storedErrors: number;
}

const importsDir = (ctx: AppContext) => join(ctx.config.dataDir, 'imports');

/**
 * Spools an upload to disk without holding it in memory; returns its path. A
 * file cut off by the client or over MAX_UPLOAD_MB leaves nothing behind.
 */
export async function spoolUpload(ctx: AppContext, file: Readable & { truncated?: boolean }): Promise<string> {
  mkdirSync(importsDir(ctx), { recursive: true });
  const path = join(importsDir(ctx), `${randomBytes(12).toString('hex')}.csv`);
  try {
    await pipeline(file, createWriteStream(path));
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
  // Multipart stops writing at its fileSize limit and marks the stream truncated.
  if (file.truncated) {
    rmSync(path, { force: true });
    throw fileTooLarge(ctx);
  }
  return path;
}

export const fileTooLarge = (ctx: AppContext) =>
  new AppError(413, 'file_too_large', `the file is larger than the upload limit of ${ctx.config.maxUploadBytes / 1024 / 1024} MB (MAX_UPLOAD_MB)`, 'file');

/** Validates the request, records the import as queued and starts it; the caller answers 202. */
export async function queueImport(
  ctx: AppContext,
  input: { path: string; filename: string | undefined; listId: unknown; mapping: unknown },
): Promise<{ id: number }> {
  try {
    const listId = Number(input.listId);
    if (!Number.isInteger(listId) || listId < 1) throw badRequest('listId is required and must be a list id', 'listId');
    const list = await ctx.store.db.selectFrom('lists').select('id').where('id', '=', listId).executeTakeFirst();
    if (!list) throw badRequest(`list ${listId} does not exist`, 'listId');
    let mapping: Record<string, unknown> = {};
    if (typeof input.mapping === 'string' && input.mapping.trim()) {
      try {
        mapping = JSON.parse(input.mapping);
      } catch {
        throw badRequest('mapping must be a JSON object such as {"E-mail": "email"}', 'mapping');
      }
      if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
        throw badRequest('mapping must be a JSON object such as {"E-mail": "email"}', 'mapping');
      }
    }
    const fields = await ctx.store.db.selectFrom('custom_fields').select('name').execute();
    const plan = await planImport(input.path, mapping, fields.map((f) => f.name));
    const row = await ctx.store.db
      .insertInto('imports')
      .values({
        list_id: listId,
        status: 'queued',
        filename: input.filename?.slice(0, 255) ?? null,
        file_path: input.path,
        plan: ctx.store.dialect.writeJson(plan),
        created_at: ctx.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    startImport(ctx, row.id);
    return { id: row.id };
  } catch (error) {
    rmSync(input.path, { force: true });
    throw error;
  }
}

function startImport(ctx: AppContext, id: number): void {
  const job = runUntilDatabaseAnswers(ctx, id)
    .catch(async (error: unknown) => {
      // A failed import is not resumed: its file (personal data) goes; a corrected file is a new import.
      const spooled = await ctx.store.db.selectFrom('imports').select('file_path').where('id', '=', id).executeTakeFirst().catch(() => undefined);
      await ctx.store.db
        .updateTable('imports')
        .set({ status: 'failed', failure: failureReason(error), finished_at: ctx.now(), file_path: null })
        .where('id', '=', id)
        .execute()
        .catch(() => {});
      if (spooled?.file_path) rmSync(spooled.file_path, { force: true });
    })
    .finally(() => running.delete(id));
  running.set(id, job);
}

/**
 * A database that goes away mid-import (a restart, a failover) does not fail the
 * import: it starts again from the top once the database answers, as on resume.
 */
async function runUntilDatabaseAnswers(ctx: AppContext, id: number): Promise<void> {
  for (let failures = 1; ; failures++) {
    try {
      return await runImport(ctx, id);
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      // Stopping meanwhile: it stays `running`, and the next start resumes it.
      if (stopping) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 2_000)));
      if (stopping) return;
    }
  }
}

/**
 * On shutdown: imports stop after the batch in flight and stay `running`, so the
 * next start resumes them (resumeImports).
 */
export async function stopImports(): Promise<void> {
  stopping = true;
  await Promise.allSettled([...running.values()]);
}

/**
 * Imports left queued or running by a stopped process start again from the top:
 * every write is an upsert, so rows already done are updated to the same values.
 */
export async function resumeImports(ctx: AppContext): Promise<number> {
  stopping = false;
  const stale = await ctx.store.db.selectFrom('imports').select('id').where('status', 'in', ['queued', 'running']).execute();
  for (const { id } of stale) if (!running.has(id)) startImport(ctx, id);
  await removeAbandonedUploads(ctx);
  return stale.length;
}

/** Untouched this long and no import's: an upload that a crash cut short, not one still arriving in another process. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

async function removeAbandonedUploads(ctx: AppContext): Promise<void> {
  const dir = importsDir(ctx);
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.length) return;
  const owned = await ctx.store.db.selectFrom('imports').select('file_path').where('file_path', 'is not', null).execute();
  const kept = new Set(owned.map((row) => row.file_path));
  for (const name of names) {
    const path = join(dir, name);
    const modified = (await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now();
    if (!kept.has(path) && Date.now() - modified > ABANDONED_AFTER_MS) await rm(path, { force: true });
  }
}

/**
 * Data rows for the progress bar, from a count of line breaks (a fraction of a
 * parse's cost); quoted line breaks overcount a little, and the exact count
 * replaces it when the import is done.
 */
async function estimateRows(path: string): Promise<number> {
  let breaks = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) breaks++;
    last = chunk[chunk.length - 1] ?? last;
  }
  return Math.max(0, breaks + (last === 10 ? 0 : 1) - 1);
}

/**
 * The parser holds one record at a time, and no record longer than this: an
 * unclosed quote would otherwise swallow the rest of the file into memory.
 * Far above any real row (a cell holds at most 10,000 characters, see schemas.ts).
 */
const MAX_RECORD_CHARS = 1024 * 1024;

function csvRecords(path: string, delimiter: string) {
  const options = { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, from_line: 2, max_record_size: MAX_RECORD_CHARS };
  // Piped so that when parsing stops early (an error, a shutdown), the file is closed too.
  return pipeStreams(createReadStream(path), parse(options), () => {});
}

/** An import stopped by its file: the reason names the row, never a cell's content. */
class ImportFailure extends Error {}

function unreadableRow(error: CsvError, row: number): ImportFailure {
  const why =
    error.code === 'CSV_MAX_RECORD_SIZE'
      ? `it is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MiB, most often because a quote is never closed`
      : error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quote is never closed'
        : 'it is not valid CSV';
  return new ImportFailure(`stopped at row ${row}: ${why}. The rows before it were imported; correct the file and import it again (contacts already imported are updated, not duplicated).`);
}

function failureReason(error: unknown): string {
  if (error instanceof ImportFailure) return error.message;
  return error instanceof Error ? error.message.slice(0, 500) : 'failed';
}

async function runImport(ctx: AppContext, id: number): Promise<void> {
  const job = await ctx.store.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const plan = ctx.store.dialect.readJson(job.plan) as ImportPlan;
  const path = job.file_path!;
  await ctx.store.db.deleteFrom('import_errors').where('import_id', '=', id).execute();
  const total = await estimateRows(path);
  await ctx.store.db
    .updateTable('imports')
    .set({ status: 'running', total, processed: 0, imported: 0, updated: 0, skipped: 0 })
    .where('id', '=', id)
    .execute();

  const fieldTypes = new Map((await ctx.store.db.selectFrom('custom_fields').selectAll().execute()).map((f) => [f.name, f.type]));
  const registered = new Set(fieldTypes.keys());
  const progress: Progress = { processed: 0, imported: 0, updated: 0, skipped: 0, storedErrors: 0 };
  let batch: Candidate[] = [];
  let errors: Array<{ row: number; message: string }> = [];
  const keysInBatch = new Set<string>();
  // One batch is written while the next is parsed; writes stay one at a time, so each batch sees the previous one committed.
  let writing = Promise.resolve();
  const flush = async () => {
    const [rows, rowErrors] = [batch, errors];
    batch = [];
    errors = [];
    keysInBatch.clear();
    await writing;
    writing = writeBatch(ctx, id, job.list_id, rows, rowErrors, progress, registered);
    writing.catch(() => {}); // observed by the next await; no unhandled rejection meanwhile
  };

  let row = 1; // the header is row 1, as in a spreadsheet
  try {
    for await (const record of csvRecords(path, plan.delimiter)) {
      if (stopping) return void (await writing);
      row++;
      const candidate = toCandidate(ctx, plan, record as string[], row, fieldTypes);
      if ('error' in candidate) {
        errors.push({ row, message: candidate.error });
      } else {
        const keys = [candidate.email && `e:${candidate.email}`, candidate.phone && `p:${candidate.phone}`].filter(Boolean) as string[];
        // The same person twice in one batch: write the first before reading the second.
        if (keys.some((k) => keysInBatch.has(k))) await flush();
        keys.forEach((k) => keysInBatch.add(k));
        batch.push(candidate);
      }
      if (batch.length + errors.length >= BATCH) await flush();
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // Everything before the unreadable row is written, so that "the rows before it were imported" holds.
    await flush();
    await writing;
    throw unreadableRow(error, row + 1);
  }
  await flush();
  await writing;
  await ctx.store.db
    .updateTable('imports')
    .set({ status: 'done', total: row - 1, finished_at: ctx.now(), file_path: null })
    .where('id', '=', id)
    .execute();
  rmSync(path, { force: true });
}

function toCandidate(
  ctx: AppContext,
  plan: ImportPlan,
  record: string[],
  row: number,
  fieldTypes: Map<string, CustomFieldType>,
): Candidate | { error: string } {
  const candidate: Candidate = { row, fields: {} };
  for (let i = 0; i < plan.columns.length; i++) {
    const { header, target } = plan.columns[i]!;
    const cell = (record[i] ?? '').trim();
    // An empty cell keeps what the contact already has.
    if (cell === '' || target === 'ignore') continue;
    const limit = maxLength(target);
    if (cell.length > limit) return { error: `column "${header}": longer than ${limit.toLocaleString('en')} characters` };
    switch (target) {
      case 'email': {
        const email = normalizeEmail(cell);
        if (!email) return { error: `column "${header}": not a valid email address` };
        candidate.email = email;
        break;
      }
      case 'phone': {
        const phone = normalizePhone(cell, ctx.config.defaultCountry);
        if (!phone) return { error: `column "${header}": not a possible phone number` };
        candidate.phone = phone;
        break;
      }
      case 'firstName':
        candidate.firstName = cell;
        break;
      case 'lastName':
        candidate.lastName = cell;
        break;
      default: {
        const name = target.slice('fields.'.length);
        const type = fieldTypes.get(name);
        const value = coerceCell(cell, type);
        if (value === undefined) return { error: `column "${header}": expected a ${type}` };
        candidate.fields[name] = value;
      }
    }
  }
  if (!candidate.email && !candidate.phone) return { error: 'needs an email or a phone' };
  return candidate;
}

/** A cell is held to the limit the API sets for where it goes. */
function maxLength(target: Exclude<Target, 'ignore'>): number {
  switch (target) {
    case 'email':
      return CONTACT_LIMITS.email;
    case 'phone':
      return CONTACT_LIMITS.phone;
    case 'firstName':
    case 'lastName':
      return CONTACT_LIMITS.name;
    default:
      return CONTACT_LIMITS.fieldValue;
  }
}

/** One transaction per batch: match existing contacts, insert the new, update the known, join the list, record progress. */
async function writeBatch(
  ctx: AppContext,
  importId: number,
  listId: number | null,
  batch: Candidate[],
  errors: Array<{ row: number; message: string }>,
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
        .where(column, 'in', sql<string>`(select key from ${dialect.jsonRows(keys, { key: 'text' })} as k)`)
        .execute();
      for (const row of rows) found.set(row[column] as string, row.id);
      return found;
    };
    const byEmail = await byKey('email');
    const byPhone = await byKey('phone');

    const inserts: Candidate[] = [];
    const updates: Array<Candidate & { id: number }> = [];
    for (const candidate of batch) {
      const idByEmail = candidate.email ? byEmail.get(candidate.email) : undefined;
      const idByPhone = candidate.phone ? byPhone.get(candidate.phone) : undefined;
      if (idByEmail !== undefined && idByPhone !== undefined && idByEmail !== idByPhone) {
        errors.push({ row: candidate.row, message: 'the email and the phone belong to two different contacts' });
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
        insert into contacts (email, phone, first_name, last_name, fields, tracking_consent, created_at, updated_at)
        select r.email, r.phone, r.first_name, r.last_name, r.fields, ${ctx.config.trackingConsentDefault ? 1 : 0}, ${now}, ${now}
        from ${dialect.jsonRows(rows, { email: 'text', phone: 'text', first_name: 'text', last_name: 'text', fields: 'jsonb' })} as r
        returning id`.execute(trx);
      memberIds.push(...created.rows.map((c) => c.id));
    }
    if (updates.length) await updateContacts(trx, dialect.jsonMerge, updates, now);

    const newFields: Record<string, unknown> = {};
    for (const c of batch) for (const [name, value] of Object.entries(c.fields)) if (!registered.has(name)) newFields[name] ??= value;
    await registerFields(trx, newFields, now);
    Object.keys(newFields).forEach((name) => registered.add(name));

    if (listId !== null && memberIds.length) {
      await sql`
        insert into list_members (list_id, contact_id, added_at)
        select ${listId}, m.id, ${now} from ${dialect.jsonRows(memberIds.map((id) => ({ id })), { id: 'bigint' })} as m where true
        on conflict (list_id, contact_id) do nothing`.execute(trx);
    }
    const keep = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - progress.storedErrors));
    if (keep.length) await trx.insertInto('import_errors').values(keep.map((e) => ({ import_id: importId, ...e }))).execute();
    progress.storedErrors += keep.length;
    progress.processed += inserts.length + updates.length + errors.length;
    progress.imported += inserts.length;
    progress.updated += updates.length;
    progress.skipped += errors.length;
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
    where contacts.id = cast(v.column1 as bigint)`.execute(trx);
}

export async function getImport(ctx: AppContext, id: number) {
  const job = await ctx.store.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!job) throw notFound('Import');
  const errors = await ctx.store.db
    .selectFrom('import_errors')
    .select(['row', 'message'])
    .where('import_id', '=', id)
    .orderBy('row')
    .limit(ERRORS_SHOWN)
    .execute();
  const plan = ctx.store.dialect.readJson(job.plan) as ImportPlan | null;
  return {
    id: job.id,
    listId: job.list_id,
    filename: job.filename,
    status: job.status,
    total: job.total,
    processed: job.processed,
    imported: job.imported,
    updated: job.updated,
    skipped: job.skipped,
    errors,
    errorsTruncated: job.skipped > errors.length,
    columns: plan?.columns ?? [],
    failure: job.failure,
    createdAt: iso(job.created_at)!,
    finishedAt: iso(job.finished_at),
  };
}
