import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { badRequest } from '../http/errors.js';
import { FIELD_NAME } from './normalize.js';
import { CONTACT_LIMITS } from './schemas.js';

/** Where a CSV column goes: a contact property, a custom field, or nowhere. */
export type Target = 'email' | 'phone' | 'firstName' | 'lastName' | `fields.${string}` | 'ignore';

export interface ImportPlan {
  delimiter: string;
  /** One entry per CSV column, in file order. */
  columns: Array<{ header: string; target: Target }>;
}

const DELIMITERS = [',', ';', '\t', '|'];

const STANDARD: Record<string, Target> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  courriel: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  mobilephone: 'phone',
  telephone: 'phone',
  firstname: 'firstName',
  givenname: 'firstName',
  prenom: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  nom: 'lastName',
};

/** "First Name", "first_name", "FIRSTNAME" and "Prénom" all name the same thing. */
const squash = (header: string) =>
  header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');

/** The first line of the file (up to 64 KiB), without a BOM. */
async function firstLine(path: string): Promise<string> {
  const stream = createReadStream(path, { encoding: 'utf8', start: 0, end: 65535 });
  let text = '';
  for await (const chunk of stream) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  stream.destroy();
  return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
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

async function readHeaders(path: string, delimiter: string): Promise<string[]> {
  const line = await firstLine(path);
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
 * mapping first; then headers named like a contact property in any case; then
 * existing custom fields matched case-insensitively; the rest become new fields
 * named as written. Problems are 400s naming the header, so nothing half-imports.
 */
export async function planImport(path: string, mapping: Record<string, unknown>, existingFields: string[]): Promise<ImportPlan> {
  const delimiter = detectDelimiter(await firstLine(path));
  const headers = await readHeaders(path, delimiter);
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
  const columns = headers.map((header, index) => {
    const explicitTarget = explicit.get(header);
    if (explicitTarget) return { header, target: explicitTarget };
    if (header === '') return { header: `column ${index + 1}`, target: 'ignore' as Target };
    const standard = STANDARD[squash(header)];
    if (standard) return { header, target: standard };
    if (/^fields\./i.test(header)) return { header, target: `fields.${header.slice(7)}` as Target };
    const name = byLowerName.get(header.toLowerCase()) ?? header;
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
  return { delimiter, columns };
}
