import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { importFinished, spooledFiles, uploadCsv } from '../../test/support/imports.js';

describeEachDatabase('CSV import limits', (kind) => {
  let t: TestApp;
  let listId: number;
  const importCsv = async (csv: string) => {
    const queued = await uploadCsv(t, csv, { listId: String(listId) });
    expect(queued.status).toBe(202);
    return importFinished(t, queued.body.id);
  };
  const emailsInList = async () => (await t.ctx.store.db.selectFrom('contacts').select('email').orderBy('id').execute()).map((c) => c.email);

  beforeAll(async () => {
    t = await startTestApp(kind);
    listId = (await t.api('POST', '/api/lists', { name: 'Imported' })).body.id;
  });
  afterAll(() => t.close());

  it('leaves out a cell over the API limit and reports it, skipping the row only when its email was that cell', async () => {
    const longName = 'N'.repeat(201);
    const longNote = 'Q'.repeat(10_001);
    const longEmail = `${'e'.repeat(310)}@example.com`;
    const csv = [
      'email,first name,last name,note',
      'ann@example.com,Ann,Smith,short', // row 2
      `long@example.com,${longName},Smith,x`, // row 3
      `notes@example.com,Bob,Smith,${longNote}`, // row 4
      `${longEmail},Eve,Smith,x`, // row 5
      `full@example.com,Cy,${'L'.repeat(200)},${'F'.repeat(10_000)}`, // row 6: exactly at the limits
    ].join('\n');
    const job = await importCsv(csv);
    expect(job).toMatchObject({ status: 'done', total: 5, imported: 4, skipped: 1 });
    // The report shows the start of a long value, not all of it.
    expect(job.errors).toEqual([
      { row: 3, message: 'column "first name": longer than 200 characters', column: 'first name', value: `${'N'.repeat(200)}…`, skipped: false },
      { row: 4, message: 'column "note": longer than 10,000 characters', column: 'note', value: `${'Q'.repeat(200)}…`, skipped: false },
      { row: 5, message: 'column "email": longer than 320 characters', column: 'email', value: `${'e'.repeat(200)}…`, skipped: true },
    ]);
    expect(await emailsInList()).toEqual(['ann@example.com', 'long@example.com', 'notes@example.com', 'full@example.com']);
    const long = (await t.api('GET', '/api/contacts?search=long@')).body.items[0];
    expect([long.firstName, long.lastName]).toEqual([null, 'Smith']);
    const full = (await t.api('GET', '/api/contacts?search=full@')).body.items[0];
    expect([full.lastName.length, full.fields.note.length]).toEqual([200, 10_000]);
  });

  it('refuses a file with more custom-field columns than a contact may hold', async () => {
    const header = ['email', ...Array.from({ length: 201 }, (_, i) => `f${i}`)].join(',');
    const response = await uploadCsv(t, `${header}\nwide@example.com${',x'.repeat(201)}\n`, { listId: String(listId) });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/201 columns for custom fields; a contact holds at most 200/);
    expect(await emailsInList()).not.toContain('wide@example.com');
  });

  it('stops at a quote never closed early in a 20 MB file, with the row, after importing the rows before it', async () => {
    const filler = 'later@example.com,after the broken row\n';
    const csv = [
      'email,note',
      'before1@example.com,fine', // row 2
      'before2@example.com,fine', // row 3
      'broken@example.com,"opens and never closes', // row 4
      filler.repeat(Math.ceil((20 * 1024 * 1024) / filler.length)),
    ].join('\n');
    const before = await emailsInList();
    const job = await importCsv(csv);
    expect(job).toMatchObject({ status: 'failed', imported: 2, skipped: 0 });
    expect(job.failure).toMatch(/^stopped at row 4: it is longer than 1 MiB, most often because a quote is never closed\. The rows before it were imported/);
    expect(await emailsInList()).toEqual([...before, 'before1@example.com', 'before2@example.com']);
    expect(spooledFiles(t)).toEqual([]);
  });

  it('stops at a row longer than 1 MiB even when its quotes are closed, and names the row', async () => {
    const csv = ['email,note', 'first@example.com,fine', `huge@example.com,"${'H'.repeat(2 * 1024 * 1024)}"`, 'after@example.com,fine'].join('\n');
    const job = await importCsv(csv);
    expect(job).toMatchObject({ status: 'failed', imported: 1 });
    expect(job.failure).toMatch(/^stopped at row 3: it is longer than 1 MiB/);
    const emails = await emailsInList();
    expect(emails).toContain('first@example.com');
    expect(emails).not.toContain('huge@example.com');
    expect(emails).not.toContain('after@example.com');
  });
});
