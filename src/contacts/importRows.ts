import { createReadStream } from 'node:fs';
import { pipeline as pipeStreams } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CustomFieldType } from '../db/schema.js';
import { coerceCell } from './fields.js';
import { decodedFile, type Encoding } from './importEncoding.js';
import type { ImportPlan, Target } from './importPlan.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import { CONTACT_LIMITS } from './schemas.js';

/** One CSV row as a contact to create or update, its values normalised. */
export interface Candidate {
  row: number;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  fields: Record<string, unknown>;
}

/** What turning a row into a candidate needs besides the row. */
export interface RowRules {
  plan: ImportPlan;
  fieldTypes: Map<string, CustomFieldType>;
  defaultCountry: string | undefined;
}

/**
 * Data rows for the progress bar, from a count of line breaks (a fraction of a
 * parse's cost); quoted line breaks overcount a little, and the exact count
 * replaces it when the import is done.
 */
export async function estimateRows(path: string): Promise<number> {
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

/** The file's records after the header, read in its encoding; throws a CsvError at a row it cannot read. */
export function csvRecords(path: string, delimiter: string, encoding: Encoding = 'utf-8'): AsyncIterable<string[]> {
  const options = { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, from_line: 2, max_record_size: MAX_RECORD_CHARS };
  // Piped so that when parsing stops early (an error, a shutdown), the file is closed too.
  return pipeStreams(decodedFile(path, encoding), parse(options), () => {});
}

/** An import stopped by its file: the reason names the row, never a cell's content. */
export class ImportFailure extends Error {}

export function unreadableRow(error: CsvError, row: number): ImportFailure {
  const why =
    error.code === 'CSV_MAX_RECORD_SIZE'
      ? `it is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MiB, most often because a quote is never closed`
      : error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quote is never closed'
        : 'it is not valid CSV';
  return new ImportFailure(`stopped at row ${row}: ${why}. The rows before it were imported; correct the file and import it again (contacts already imported are updated, not duplicated).`);
}

/**
 * What a row's report says: the spreadsheet row, the problem, the column and the
 * value it is about (none for a row-wide problem), and whether the row was
 * skipped or imported without that value.
 */
export interface RowProblem {
  row: number;
  message: string;
  column: string | null;
  value: string | null;
  skipped: boolean;
}

/** The report shows a bad value, not all of a 10,000-character one. */
const VALUE_SHOWN = 200;
const shown = (cell: string) => (cell.length > VALUE_SHOWN ? `${cell.slice(0, VALUE_SHOWN)}…` : cell);

/**
 * A record as a candidate and the problems of its cells. A cell that cannot be
 * read (an invalid phone, a number field holding text, a value over its limit)
 * is left out and reported, and the row imports without it; the row is skipped
 * only when no valid email or phone is left to know the contact by.
 */
export function toCandidate(record: string[], row: number, { plan, fieldTypes, defaultCountry }: RowRules): { candidate?: Candidate; problems: RowProblem[] } {
  const candidate: Candidate = { row, fields: {} };
  const bad: Array<{ column: string; value: string; why: string }> = [];
  for (let i = 0; i < plan.columns.length; i++) {
    const { header, target } = plan.columns[i]!;
    const cell = (record[i] ?? '').trim();
    // An empty cell keeps what the contact already has.
    if (cell === '' || target === 'ignore') continue;
    const problem = (why: string) => bad.push({ column: header, value: shown(cell), why });
    const limit = maxLength(target);
    if (cell.length > limit) {
      problem(`longer than ${limit.toLocaleString('en')} characters`);
      continue;
    }
    switch (target) {
      case 'email': {
        const email = normalizeEmail(cell);
        if (email) candidate.email = email;
        else problem('not a valid email address');
        break;
      }
      case 'phone': {
        const phone = normalizePhone(cell, defaultCountry);
        if (phone) candidate.phone = phone;
        else problem(/^\+/.test(cell) || !defaultCountry ? 'not a valid phone number' : `not a valid phone number (read as a number of ${defaultCountry})`);
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
        if (value === undefined) problem(`expected a ${type}`);
        else candidate.fields[name] = value;
      }
    }
  }
  const skipped = !candidate.email && !candidate.phone;
  const problems: RowProblem[] = bad.map(({ column, value, why }) => ({
    row,
    column,
    value,
    skipped,
    message: `column "${column}": ${why}`,
  }));
  if (skipped && !problems.length) problems.push({ row, message: 'needs an email or a phone', column: null, value: null, skipped: true });
  return skipped ? { problems } : { candidate, problems };
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
