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

const STANDARD: Record<string, string> = { email: 'email', phone: 'phone', firstname: 'firstName', lastname: 'lastName' };

/** The target a header maps to by default, following the server's rules (SPEC §7). */
export function defaultTarget(header: string, existingFields: string[]): string {
  const compact = header.toLowerCase().replace(/[\s_-]/g, '');
  if (STANDARD[compact]) return STANDARD[compact];
  const field = existingFields.find((f) => f.toLowerCase() === header.toLowerCase());
  return `fields.${field ?? header}`;
}
