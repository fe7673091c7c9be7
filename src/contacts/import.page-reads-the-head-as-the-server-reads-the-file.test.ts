import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BREVO, EXCEL_FRENCH, EXCEL_UTF8, HUBSPOT, MAILCHIMP } from '../../test/support/importFiles.js';
import * as page from '../../web/src/contacts/csvHead.js';
import { planImport } from './importPlan.js';

// The mapping step shows what the import will do: the page's reading of a file's head must be the server's.
describe('the import page reads a file’s head as the server reads the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ricochet-head-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const files: Record<string, Buffer> = {
    mailchimp: Buffer.from(MAILCHIMP),
    brevo: Buffer.from(BREVO),
    hubspot: Buffer.from(HUBSPOT),
    'excel utf-8': EXCEL_UTF8,
    'excel french': EXCEL_FRENCH,
    'utf-16': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('E-mail\tPrénom\tMobile\tTel\r\na@example.fr\tRenée\t0612340002\t01\r\n', 'utf16le')]),
    'a field and a name a field cannot hold': Buffer.from('mail,Email,fields.city,"Score (%)",\nx@example.fr,y@example.fr,Paris,3,\n'),
  };

  for (const [name, bytes] of Object.entries(files)) {
    it(`maps ${name} alike, in the same encoding, accents included`, async () => {
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, bytes);
      const plan = await planImport(path, {}, ['City']);
      const { encoding, text } = page.decodeHead(new Uint8Array(bytes), 'auto');
      const head = page.parseCsvHead(text);
      expect(encoding).toBe(plan.encoding);
      expect(head.delimiter).toBe(plan.delimiter);
      const mapping = page.defaultMapping(head.headers, ['City']);
      expect(plan.columns.map((c) => [c.header.replace(/^column \d+$/, ''), c.target])).toEqual(head.headers.map((h) => [h, mapping[h]]));
    });
  }

  it('shows Windows-1252 as Windows-1252, not Latin-1, and a UTF-8 file cut mid-character as UTF-8', () => {
    expect(page.decodeHead(new Uint8Array(EXCEL_FRENCH), 'auto').text).toContain('Hélène;Dupré;helene.dupre@example.fr;Orléans\r\nFrançois;Lefèvre;francois.lefevre@example.fr;L’Haÿ-les-Roses');
    const cut = Buffer.from('email,city\nz@example.fr,Zürich').subarray(0, -5); // inside "ü"
    expect(page.decodeHead(new Uint8Array(cut), 'auto').encoding).toBe('utf-8');
    expect(page.decodeHead(new Uint8Array(Buffer.from('Prénom', 'utf8')), 'windows-1252').text).toBe('PrÃ©nom');
  });
});
