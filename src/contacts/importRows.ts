import { createReadStream } from 'node:fs';
import { pipeline as pipeStreams } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CustomFieldType } from '../db/schema.js';
import { coerceCell } from './fields.js';
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

/** The file's records after the header; throws a CsvError at a row it cannot read. */
export function csvRecords(path: string, delimiter: string): AsyncIterable<string[]> {
  const options = { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, from_line: 2, max_record_size: MAX_RECORD_CHARS };
  // Piped so that when parsing stops early (an error, a shutdown), the file is closed too.
  return pipeStreams(createReadStream(path), parse(options), () => {});
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

/** A record as a candidate, or the row error that names its column (never the cell's value). */
export function toCandidate(record: string[], row: number, { plan, fieldTypes, defaultCountry }: RowRules): Candidate | { error: string } {
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
        const phone = normalizePhone(cell, defaultCountry);
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
