import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CsvError } from 'csv-parse';
import { recordAudit } from '../audit/audit.js';
import { inWorkspace, type AppContext, type WorkspaceContext } from '../context.js';
import { isTransientDatabaseError } from '../db/connection.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { fieldTypes } from './fields.js';
import { ENCODINGS, isEncoding, type Encoding } from './importEncoding.js';
import { planImport, type ImportPlan } from './importPlan.js';
import { csvRecords, estimateRows, ImportFailure, toCandidate, unreadableRow } from './importRows.js';
import { batchWriter, readProblem } from './importWrites.js';
import { isSupportedCountry } from './normalize.js';

const ERRORS_SHOWN = 1000;

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

/** The encoding field: absent, empty or `auto` lets the file decide (detectEncoding). */
function readEncoding(value: unknown): Encoding | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  const name = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (isEncoding(name)) return name;
  throw badRequest(`encoding must be auto, ${ENCODINGS.join(', ')}`, 'encoding');
}

/** The defaultCountry field: a two-letter country code that phone numbers know (FR, GB, US…). */
function readCountry(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!isSupportedCountry(code)) throw badRequest('defaultCountry must be a two-letter country code such as FR', 'defaultCountry');
  return code;
}

export const fileTooLarge = (ctx: AppContext) =>
  new AppError(413, 'file_too_large', `the file is larger than the upload limit of ${ctx.config.maxUploadBytes / 1024 / 1024} MB (MAX_UPLOAD_MB)`, 'file');

/** Validates the request, records the import as queued (and in the audit log) and starts it; the caller answers 202. */
export async function queueImport(
  ctx: WorkspaceContext,
  input: { path: string; filename: string | undefined; listId: unknown; mapping: unknown; encoding?: unknown; defaultCountry?: unknown },
): Promise<{ id: number }> {
  try {
    const encoding = readEncoding(input.encoding);
    const defaultCountry = readCountry(input.defaultCountry);
    const listId = Number(input.listId);
    if (!Number.isInteger(listId) || listId < 1) throw badRequest('listId is required and must be a list id', 'listId');
    const list = await ctx.store.db.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', '=', listId).executeTakeFirst();
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
    const plan = await planImport(input.path, mapping, [...(await fieldTypes(ctx)).keys()], { encoding, defaultCountry });
    const filename = input.filename?.slice(0, 255) ?? null;
    const row = await ctx.store.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('imports')
        .values({
          workspace_id: ctx.workspaceId,
          list_id: listId,
          status: 'queued',
          filename,
          file_path: input.path,
          plan: ctx.store.dialect.writeJson(plan),
          created_at: ctx.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // How many rows is known only once the file is read: the import itself reports it.
      await recordAudit(ctx, { action: 'import.start', objectType: 'import', objectId: inserted.id, details: { listId, filename } }, trx);
      return inserted;
    });
    startImport(ctx, row.id);
    return { id: row.id };
  } catch (error) {
    rmSync(input.path, { force: true });
    throw error;
  }
}

/**
 * Runs the import as one of the context's jobs. When the process stops
 * (ctx.jobs.stopAll) it ends after the batch in flight and stays `running`, so
 * the next start resumes it (resumeImports).
 */
function startImport(ctx: AppContext, id: number): void {
  ctx.jobs.start(`import:${id}`, (stop) =>
    runUntilDatabaseAnswers(ctx, id, stop).catch(async (error: unknown) => {
      // A failed import is not resumed: its file (personal data) goes; a corrected file is a new import.
      const spooled = await ctx.store.db.selectFrom('imports').select('file_path').where('id', '=', id).executeTakeFirst().catch(() => undefined);
      await ctx.store.db
        .updateTable('imports')
        .set({ status: 'failed', failure: failureReason(error), finished_at: ctx.now(), file_path: null })
        .where('id', '=', id)
        .execute()
        .catch(() => {});
      if (spooled?.file_path) rmSync(spooled.file_path, { force: true });
    }),
  );
}

function failureReason(error: unknown): string {
  if (error instanceof ImportFailure) return error.message;
  return error instanceof Error ? error.message.slice(0, 500) : 'failed';
}

/**
 * A database that goes away mid-import (a restart, a failover) does not fail the
 * import: it starts again from the top once the database answers, as on resume.
 */
async function runUntilDatabaseAnswers(ctx: AppContext, id: number, stop: AbortSignal): Promise<void> {
  for (let failures = 1; ; failures++) {
    try {
      return await runImport(ctx, id, stop);
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      // Stopping meanwhile: it stays `running`, and the next start resumes it.
      if (stop.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 2_000)));
      if (stop.aborted) return;
    }
  }
}

/**
 * Imports left queued or running by a stopped process start again from the top:
 * every write is an upsert, so rows already done are updated to the same values.
 */
export async function resumeImports(ctx: AppContext): Promise<number> {
  const stale = await ctx.store.db.selectFrom('imports').select('id').where('status', 'in', ['queued', 'running']).execute();
  for (const { id } of stale) startImport(ctx, id);
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
 * One pass over the file, from the top: rows become candidates or row errors, written batch by batch,
 * into the workspace of the import's own row (a resumed import has no request to take it from).
 */
async function runImport(appCtx: AppContext, id: number, stop: AbortSignal): Promise<void> {
  const job = await appCtx.store.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const ctx = inWorkspace(appCtx, job.workspace_id);
  const plan = ctx.store.dialect.readJson(job.plan) as ImportPlan;
  const path = job.file_path!;
  await ctx.store.db.deleteFrom('import_errors').where('import_id', '=', id).execute();
  const total = await estimateRows(path);
  await ctx.store.db
    .updateTable('imports')
    .set({ status: 'running', total, processed: 0, imported: 0, updated: 0, skipped: 0 })
    .where('id', '=', id)
    .execute();

  const types = await fieldTypes(ctx);
  const rules = { plan, fieldTypes: types, defaultCountry: plan.defaultCountry ?? ctx.config.defaultCountry };
  const writer = batchWriter(ctx, id, job.list_id, new Set(types.keys()));
  let row = 1; // the header is row 1, as in a spreadsheet
  try {
    for await (const record of csvRecords(path, plan.delimiter, plan.encoding)) {
      if (stop.aborted) return await writer.abandon();
      row++;
      const { candidate, problems } = toCandidate(record, row, rules);
      if (candidate) await writer.add(candidate, problems);
      else await writer.skip(problems);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // Everything before the unreadable row is written, so that "the rows before it were imported" holds.
    await writer.finish();
    throw unreadableRow(error, row + 1);
  }
  await writer.finish();
  await ctx.store.db
    .updateTable('imports')
    .set({ status: 'done', total: row - 1, finished_at: ctx.now(), file_path: null })
    .where('id', '=', id)
    .execute();
  rmSync(path, { force: true });
}

async function ownImport(ctx: WorkspaceContext, id: number) {
  const job = await ctx.store.db.selectFrom('imports').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
  if (!job) throw notFound('Import');
  return job;
}

export async function getImport(ctx: WorkspaceContext, id: number) {
  const job = await ownImport(ctx, id);
  const stored = await ctx.store.db
    .selectFrom('import_errors')
    .select(['row', 'message'])
    .where('import_id', '=', id)
    .orderBy('row')
    .limit(ERRORS_SHOWN + 1)
    .execute();
  const errors = stored.slice(0, ERRORS_SHOWN).map(readProblem);
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
    // More than shown, or more skipped rows than problems kept (beyond the 10,000 an import keeps).
    errorsTruncated: stored.length > ERRORS_SHOWN || job.skipped > errors.filter((e) => e.skipped).length,
    columns: plan?.columns ?? [],
    encoding: plan?.encoding ?? 'utf-8',
    defaultCountry: plan?.defaultCountry ?? ctx.config.defaultCountry ?? null,
    failure: job.failure,
    createdAt: iso(job.created_at)!,
    finishedAt: iso(job.finished_at),
  };
}

/** Quotes what CSV needs quoted; text a spreadsheet would run as a formula gets a leading apostrophe (phone numbers stay as they are). */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?[\d .()]+$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const REPORT_PAGE = 2000;

/** GET /api/imports/:id/report: every problem the import kept, as a CSV a spreadsheet opens (UTF-8 with a BOM). */
export async function importReport(ctx: WorkspaceContext, id: number): Promise<{ filename: string; lines: AsyncGenerator<string> }> {
  const job = await ownImport(ctx, id);
  const base = (job.filename ?? 'contacts.csv').replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-') || 'import';
  async function* lines(): AsyncGenerator<string> {
    yield '\uFEFFrow,column,value,problem,outcome\r\n';
    for (let after = 0; ; ) {
      const page = await ctx.store.db
        .selectFrom('import_errors')
        .select(['row', 'message'])
        .where('import_id', '=', id)
        .where('row', '>', after)
        .orderBy('row')
        .limit(REPORT_PAGE)
        .execute();
      // A row may hold several problems: a page ends on a whole row, the next starts after it.
      const last = page.length === REPORT_PAGE ? page[page.length - 1]!.row : undefined;
      const rows = last === undefined ? page : page.filter((p) => p.row < last);
      const whole = rows.length ? rows : page;
      yield whole
        .map(readProblem)
        .map((p) => [p.row, p.column, p.value, p.message, p.skipped ? 'row skipped' : 'imported without this value'].map(csvCell).join(',') + '\r\n')
        .join('');
      if (last === undefined) return;
      after = whole[whole.length - 1]!.row;
    }
  }
  return { filename: `${base}-import-${id}-report.csv`, lines: lines() };
}
