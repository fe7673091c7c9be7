import { expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { BREVO, EXCEL_FRENCH, EXCEL_UTF8, HUBSPOT, MAILCHIMP } from '../../test/support/importFiles.js';
import { importFinished, uploadCsv } from '../../test/support/imports.js';

describeEachDatabase('CSV files as Mailchimp, Brevo, HubSpot and Excel write them', (kind) => {
  // No DEFAULT_COUNTRY: national numbers are read only with the import's own default country.
  const t: TestApp = useTestApp(kind);
  let listId: number;
  const importCsv = async (csv: string | Buffer, fields: Record<string, string> = {}) => {
    listId ??= (await t.api('POST', '/api/lists', { name: 'From other tools' })).body.id;
    const queued = await uploadCsv(t, csv, { listId: String(listId), ...fields });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    return importFinished(t, queued.body.id);
  };
  const contact = async (email: string) => (await t.api('GET', `/api/contacts?search=${encodeURIComponent(email)}`)).body.items[0];

  it('imports both rows of a Mailchimp export, leaving out and reporting the phones it cannot read', async () => {
    const job = await importCsv(MAILCHIMP);
    expect(job).toMatchObject({ status: 'done', total: 2, imported: 2, skipped: 0, encoding: 'utf-8', defaultCountry: null });
    expect(job.columns.slice(0, 5).map((c: any) => c.target)).toEqual(['email', 'firstName', 'lastName', 'fields.Address', 'phone']);
    expect(job.errors).toEqual([
      { row: 2, message: 'column "Phone Number": not a valid phone number', column: 'Phone Number', value: '06 12 34 56 78', skipped: false },
      // 07700 900xxx is the UK's range for drama: no real phone has it.
      { row: 3, message: 'column "Phone Number": not a valid phone number', column: 'Phone Number', value: '+44 7700 900123', skipped: false },
    ]);
    expect(await contact('marie.curie@example.fr')).toMatchObject({ firstName: 'Marie', lastName: 'Curie', phone: null, fields: { MEMBER_RATING: '2', LEID: '123' } });
    expect(await contact('john.smith@example.co.uk')).toMatchObject({ firstName: 'John', phone: null, fields: { TAGS: 'VIP' } });
  });

  it('reads national numbers in the default country the import names, and says which country it tried', async () => {
    const job = await importCsv(MAILCHIMP, { defaultCountry: 'fr' });
    expect(job).toMatchObject({ status: 'done', imported: 0, updated: 2, skipped: 0, defaultCountry: 'FR' });
    expect(job.errors.map((e: any) => [e.row, e.value])).toEqual([[3, '+44 7700 900123']]);
    expect((await contact('marie.curie@example.fr')).phone).toBe('+33612345678');

    const national = await importCsv('email;phone\nnational@example.fr;0612340002\nshort@example.fr;061234\n', { defaultCountry: 'FR' });
    expect(national.errors).toEqual([
      { row: 3, message: 'column "phone": not a valid phone number (read as a number of FR)', column: 'phone', value: '061234', skipped: false },
    ]);
    expect((await contact('national@example.fr')).phone).toBe('+33612340002');
  });

  it('maps the headers of Brevo (SMS is the mobile), HubSpot (the mobile before the phone) and Excel by themselves', async () => {
    const brevo = await importCsv(BREVO, { defaultCountry: 'FR' });
    expect(brevo.columns.map((c: any) => c.target)).toEqual(['fields.CONTACT ID', 'email', 'firstName', 'lastName', 'phone', 'fields.DOUBLE_OPT-IN', 'fields.ADDED_TIME']);
    expect(await contact('paul.brevo@example.fr')).toMatchObject({ firstName: 'Paul', lastName: 'Martin', phone: '+33612340003' });

    const hubspot = await importCsv(HUBSPOT);
    expect(hubspot.columns.map((c: any) => c.target)).toEqual([
      'fields.Record ID',
      'firstName',
      'lastName',
      'email',
      'fields.Phone Number',
      'phone',
      'fields.Associated Company IDs Primary',
    ]);
    expect(await contact('ada.hub@example.com')).toMatchObject({
      firstName: 'Ada',
      phone: '+33612340004',
      fields: { 'Record ID': '901', 'Phone Number': '+33 1 42 00 00 01', 'Associated Company IDs Primary': '5501' },
    });

    const excel = await importCsv(EXCEL_UTF8);
    expect(excel).toMatchObject({ imported: 1, skipped: 0, encoding: 'utf-8' });
    expect(excel.columns.map((c: any) => c.target)).toEqual(['email', 'firstName', 'lastName', 'phone']);
    expect(await contact('zoe.excel@example.com')).toMatchObject({ firstName: 'Zoë', lastName: 'Ängström', phone: '+33612340005' });
  });

  it('reads a French Excel file in Windows-1252, accents and typographic apostrophe kept', async () => {
    const job = await importCsv(EXCEL_FRENCH);
    expect(job).toMatchObject({ status: 'done', imported: 2, skipped: 0, encoding: 'windows-1252' });
    expect(job.columns).toEqual([
      { header: 'Prénom', target: 'firstName' },
      { header: 'Nom', target: 'lastName' },
      { header: 'Email', target: 'email' },
      { header: 'Ville', target: 'fields.Ville' },
    ]);
    expect(await contact('helene.dupre@example.fr')).toMatchObject({ firstName: 'Hélène', lastName: 'Dupré', fields: { Ville: 'Orléans' } });
    expect(await contact('francois.lefevre@example.fr')).toMatchObject({ firstName: 'François', lastName: 'Lefèvre', fields: { Ville: 'L’Haÿ-les-Roses' } });
  });

  it('looks at the whole file for its encoding, and follows the encoding the user picks', async () => {
    // 100 KB of plain ASCII first: only the last row shows the file is not UTF-8.
    const filler = Array.from({ length: 2500 }, (_, i) => `filler${i}@example.com;Paris`).join('\r\n');
    const late = await importCsv(Buffer.concat([Buffer.from(`Email;Ville\r\n${filler}\r\n`), Buffer.from('late@example.fr;Besançon\r\n', 'latin1')]));
    expect(late).toMatchObject({ imported: 2501, encoding: 'windows-1252' });
    expect((await contact('late@example.fr')).fields.Ville).toBe('Besançon');

    // Excel's "Unicode text": UTF-16 with its byte-order mark, tab-separated.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email\tPrénom\r\nutf16@example.fr\tRenée\r\n', 'utf16le')]);
    expect(await importCsv(utf16)).toMatchObject({ imported: 1, encoding: 'utf-16le' });
    expect((await contact('utf16@example.fr')).firstName).toBe('Renée');

    // Picked by the user: read as said, even when detection would say otherwise.
    const picked = await importCsv(Buffer.from('email,city\npicked@example.fr,Café\n', 'utf8'), { encoding: 'windows-1252' });
    expect(picked.encoding).toBe('windows-1252');
    expect((await contact('picked@example.fr')).fields.city).toBe('CafÃ©');
  });

  it('gives the report as CSV: every problem with its row, column, value and what became of the row', async () => {
    const job = await importCsv('email,phone\n=HYPERLINK("http://x.test"),+44 7700 900123\nok@example.com,+44 7700 900123\n,\n');
    const response = await fetch(`${t.baseUrl}/api/imports/${job.id}/report`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="contacts-import-${job.id}-report.csv"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    // The byte-order mark makes spreadsheets read the file as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      [
        'row,column,value,problem,outcome',
        // A formula is not run by a spreadsheet; a phone number stays as written.
        `2,email,"'=HYPERLINK(""http://x.test"")","column ""email"": not a valid email address",row skipped`,
        '2,phone,+44 7700 900123,"column ""phone"": not a valid phone number",row skipped',
        '3,phone,+44 7700 900123,"column ""phone"": not a valid phone number",imported without this value',
        '4,,,needs an email or a phone,row skipped',
        '',
      ].join('\r\n'),
    );
    expect((await t.api('GET', '/api/imports/999999/report')).status).toBe(404);
  });
});
