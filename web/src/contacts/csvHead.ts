/*
 * The mapping step reads the head of the file in the browser, the way the server
 * reads all of it: the same encodings, header names and field names, from the code
 * both share (src/contacts/importRules.ts).
 */
import { decodeWindows1252, fieldNameOf, standardTarget, type Encoding, type Property } from '../../../src/contacts/importRules.js';

export { fieldNameOf, standardTarget, type Encoding };

export const ENCODING_CHOICES: Array<{ value: 'auto' | Encoding; label: string }> = [
  { value: 'auto', label: 'Detect from the file' },
  { value: 'utf-8', label: 'UTF-8 (most tools, Excel “CSV UTF-8”)' },
  { value: 'windows-1252', label: 'Windows-1252 (Excel “CSV” in Western European languages)' },
  { value: 'utf-16le', label: 'UTF-16 (Excel “Unicode text”)' },
];

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** The encoding a byte-order mark names, else UTF-8 when these bytes read as UTF-8 (a cut last character allowed), else Windows-1252. */
export function detectEncoding(bytes: Uint8Array): Encoding {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The head of a file as text in an encoding (detected for `auto`), without a byte-order mark. */
export function decodeHead(bytes: Uint8Array, choice: 'auto' | Encoding): { encoding: Encoding; text: string } {
  const encoding = choice === 'auto' ? detectEncoding(bytes) : choice;
  if (encoding === 'windows-1252') return { encoding, text: decodeWindows1252(startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes) };
  return { encoding, text: new TextDecoder(encoding).decode(bytes, { stream: true }).replace(/^\uFEFF/, '') };
}

/** The header and first rows of a CSV file, read in the browser for the mapping step (the server parses the whole file). */
export function parseCsvHead(text: string, maxRows = 3): { delimiter: string; headers: string[]; rows: string[][] } {
  const clean = text.replace(/^\uFEFF/, '');
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < clean.length && records.length <= maxRows; i++) {
    const char = clean[i]!;
    if (quoted) {
      if (char === '"' && clean[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && clean[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field || record.length) records.push([...record, field]);
  const [headers = [], ...rows] = records;
  return { delimiter, headers: headers.map((h) => h.trim()), rows: rows.slice(0, maxRows) };
}

/** Where each header goes by default, by the server's rules: the best-named column takes each property, an existing field keeps its spelling. */
export function defaultMapping(headers: string[], existingFields: string[]): Record<string, string> {
  const best = new Map<Property, number>();
  for (const header of headers) {
    const standard = standardTarget(header);
    if (standard) best.set(standard[0], Math.min(best.get(standard[0]) ?? Infinity, standard[1]));
  }
  return Object.fromEntries(
    headers.map((header) => {
      const standard = standardTarget(header);
      if (standard && best.get(standard[0]) === standard[1]) return [header, standard[0]];
      if (/^fields\./i.test(header)) return [header, `fields.${header.slice(7)}`];
      const field = existingFields.find((f) => f.toLowerCase() === header.toLowerCase());
      const name = field ?? fieldNameOf(header);
      return [header, name ? `fields.${name}` : 'ignore'];
    }),
  );
}

/** The target a header maps to by default, following the server's rules (SPEC §7). */
export function defaultTarget(header: string, existingFields: string[]): string {
  return defaultMapping([header], existingFields)[header]!;
}
