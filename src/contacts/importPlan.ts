import { parse } from 'csv-parse';
import { badRequest } from '../http/errors.js';
import { decodedFile, detectEncoding } from './importEncoding.js';
import { fieldNameOf, standardTarget, type Encoding, type Property } from './importRules.js';
import { FIELD_NAME } from './normalize.js';
import { CONTACT_LIMITS } from './schemas.js';

/** Where a CSV column goes: a contact property, a custom field, or nowhere. */
export type Target = 'email' | 'phone' | 'firstName' | 'lastName' | `fields.${string}` | 'ignore';

export interface ImportPlan {
  delimiter: string;
  /** How the file's bytes are read (absent in plans of older imports: UTF-8). */
  encoding?: Encoding;
  /** The country of phone numbers written without one (0612340002 with FR is +33612340002). */
  defaultCountry?: string;
  /** One entry per CSV column, in file order. */
  columns: Array<{ header: string; target: Target }>;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The first line of the file (up to 64 KiB), without a BOM. */
async function firstLine(path: string, encoding: Encoding): Promise<string> {
  const stream = decodedFile(path, encoding, { end: 65535 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    if (chunk.includes(10)) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
}

/** The delimiter that splits the header into the most columns, outside quotes. */
export function detectDelimiter(header: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  const [best, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return count > 0 ? best : ',';
}

async function readHeaders(line: string, delimiter: string): Promise<string[]> {
  const parser = parse(line, { delimiter, relax_quotes: true, trim: true });
  for await (const record of parser) return (record as string[]).map((h) => h.trim());
  return [];
}

function validTarget(value: unknown): value is Target {
  if (typeof value !== 'string') return false;
  if (['email', 'phone', 'firstName', 'lastName', 'ignore'].includes(value)) return true;
  return value.startsWith('fields.') && FIELD_NAME.test(value.slice('fields.'.length));
}

/**
 * Decides, before anything is imported, where each column goes: an explicit
 * mapping first; then headers named like a contact property as other tools
 * write them (when two name the same property, the better one, see STANDARD);
 * then existing custom fields matched case-insensitively; the rest become new
 * fields named as written, less the characters a field name cannot hold.
 * Problems are 400s naming the header, so nothing half-imports.
 */
export async function planImport(
  path: string,
  mapping: Record<string, unknown>,
  existingFields: string[],
  options: { encoding?: Encoding; defaultCountry?: string } = {},
): Promise<ImportPlan> {
  const encoding = options.encoding ?? (await detectEncoding(path));
  const line = await firstLine(path, encoding);
  const delimiter = detectDelimiter(line);
  const headers = await readHeaders(line, delimiter);
  if (!headers.length || headers.every((h) => h === '')) throw badRequest('the file is empty or has no header row', 'file');
  const byLowerName = new Map(existingFields.map((f) => [f.toLowerCase(), f]));
  const lowerHeaders = new Map(headers.map((h) => [h.toLowerCase(), h]));
  const explicit = new Map<string, Target>();
  for (const [header, target] of Object.entries(mapping)) {
    const actual = lowerHeaders.get(header.trim().toLowerCase());
    if (actual === undefined) throw badRequest(`mapping names the column "${header}", which the file does not have`, `mapping.${header}`);
    if (!validTarget(target)) {
      throw badRequest(`mapping of "${header}" must be email, phone, firstName, lastName, ignore or fields.<name>`, `mapping.${header}`);
    }
    explicit.set(actual, target);
  }
  // The best-ranked column named like each property takes it, unless the mapping gave it to a column.
  const claimed = new Set(explicit.values());
  const best = new Map<Property, number>();
  for (const header of headers) {
    const standard = !explicit.has(header) && standardTarget(header);
    if (standard && !claimed.has(standard[0])) best.set(standard[0], Math.min(best.get(standard[0]) ?? Infinity, standard[1]));
  }
  const columns = headers.map((header, index) => {
    const explicitTarget = explicit.get(header);
    if (explicitTarget) return { header, target: explicitTarget };
    if (header === '') return { header: `column ${index + 1}`, target: 'ignore' as Target };
    const standard = standardTarget(header);
    if (standard && best.get(standard[0]) === standard[1]) return { header, target: standard[0] as Target };
    if (/^fields\./i.test(header)) return { header, target: `fields.${header.slice(7)}` as Target };
    const name = byLowerName.get(header.toLowerCase()) ?? fieldNameOf(header);
    if (!FIELD_NAME.test(name)) throw badRequest(`column "${header}" cannot be a field name; map it or ignore it`, `mapping.${header}`);
    return { header, target: `fields.${name}` as Target };
  });
  const seen = new Map<Target, string>();
  for (const { header, target } of columns) {
    if (target === 'ignore') continue;
    const other = seen.get(target);
    if (other !== undefined) throw badRequest(`columns "${other}" and "${header}" both map to ${target}`, `mapping.${header}`);
    seen.set(target, header);
  }
  const fieldColumns = columns.filter((c) => c.target.startsWith('fields.')).length;
  if (fieldColumns > CONTACT_LIMITS.fields) {
    throw badRequest(`the file has ${fieldColumns} columns for custom fields; a contact holds at most ${CONTACT_LIMITS.fields} (ignore some in "mapping")`, 'mapping');
  }
  if (!seen.has('email') && !seen.has('phone')) {
    throw badRequest('the file needs an email or a phone column (name it, or map one in "mapping")', 'mapping');
  }
  return { delimiter, encoding, ...(options.defaultCountry && { defaultCountry: options.defaultCountry }), columns };
}
