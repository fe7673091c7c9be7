import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

async function upload(t: TestApp, csv: string | Buffer, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([typeof csv === 'string' ? csv : new Uint8Array(csv)]), 'contacts.csv');
  const res = await fetch(`${t.baseUrl}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
  return { status: res.status, body: await res.json() };
}

async function finished(t: TestApp, id: number) {
  for (let i = 0; i < 200; i++) {
    const { body } = await t.api('GET', `/api/imports/${id}`);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

async function importCsv(t: TestApp, csv: string | Buffer, fields: Record<string, string>) {
  const res = await upload(t, csv, fields);
  expect(res.status).toBe(202);
  return finished(t, res.body.id);
}

describeEachDatabase('CSV import', (kind) => {
  let t: TestApp;
  let listId: number;
  beforeAll(async () => {
    t = await startTestApp(kind, { DEFAULT_COUNTRY: 'FR' });
    listId = (await t.api('POST', '/api/lists', { name: 'Imported' })).body.id;
  });
  afterAll(() => t.close());

  it('reports exactly the bad rows and cells, by spreadsheet row number, and imports the rest (a bad phone is left out)', async () => {
    const csv = [
      'Email,First Name,Phone,City',
      'ann@example.com,Ann,,Paris', // row 2
      'not-an-email,Bad,,Lyon', // row 3
      ',Nobody,,Nice', // row 4
      ',Phoney,06 11 22 33 44,Lille', // row 5
      'pat@example.com,Pat,+33 1,Metz', // row 6
      'zoe@example.com,Zoe,,', // row 7
    ].join('\n');
    const job = await importCsv(t, csv, { listId: String(listId) });
    expect(job).toMatchObject({ status: 'done', total: 6, processed: 6, imported: 4, updated: 0, skipped: 2 });
    expect(job.errors).toEqual([
      { row: 3, message: 'column "Email": not a valid email address', column: 'Email', value: 'not-an-email', skipped: true },
      { row: 4, message: 'needs an email or a phone', column: null, value: null, skipped: true },
      { row: 6, message: 'column "Phone": not a valid phone number', column: 'Phone', value: '+33 1', skipped: false },
    ]);
    const members = await t.api('GET', `/api/contacts?listId=${listId}`);
    expect(members.body.items.map((c: any) => c.email ?? c.phone).sort()).toEqual(['+33611223344', 'ann@example.com', 'pat@example.com', 'zoe@example.com']);
    expect(members.body.items.find((c: any) => c.email === 'pat@example.com')).toMatchObject({ firstName: 'Pat', phone: null, fields: { City: 'Metz' } });
    const ann = members.body.items.find((c: any) => c.email === 'ann@example.com');
    expect(ann).toMatchObject({ firstName: 'Ann', fields: { City: 'Paris' } });
  });

  it('updates existing contacts instead of duplicating them, changing only the columns in the file', async () => {
    const before = await t.api('GET', '/api/contacts?search=ann@');
    const ann = before.body.items[0];
    await t.api('PATCH', `/api/contacts/${ann.id}`, { lastName: 'Original', fields: { plan: 'gold' } });
    const other = (await t.api('POST', '/api/lists', { name: 'Second' })).body.id;
    const job = await importCsv(t, 'email,city\nANN@example.com,Berlin\nnew@example.com,Rome\n', { listId: String(other) });
    expect(job).toMatchObject({ imported: 1, updated: 1, skipped: 0 });
    const after = await t.api('GET', `/api/contacts/${ann.id}`);
    expect(after.body).toMatchObject({ firstName: 'Ann', lastName: 'Original', fields: { City: 'Berlin', plan: 'gold' } });
    const all = await t.api('GET', '/api/contacts?search=ann@example.com');
    expect(all.body.total).toBe(1);
    expect((await t.api('GET', `/api/lists/${other}`)).body.size).toBe(2);
    expect((await t.api('GET', `/api/lists/${listId}`)).body.size).toBe(4);
  });

  it('reads semicolons with a BOM, tabs, and quoted fields holding delimiters and newlines', async () => {
    const semicolon = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('E-mail;Prénom;Note\r\nsemi@example.com;Émile;"a; b\r\nsecond line"\r\n', 'utf8'),
    ]);
    const job = await importCsv(t, semicolon, { listId: String(listId) });
    expect(job).toMatchObject({ status: 'done', imported: 1, skipped: 0 });
    const semi = (await t.api('GET', '/api/contacts?search=semi@')).body.items[0];
    expect(semi).toMatchObject({ email: 'semi@example.com', firstName: 'Émile', fields: { Note: 'a; b\r\nsecond line' } });

    const tabbed = await importCsv(t, 'email\tlast_name\ntab@example.com\t"O\'Brien, Jr"\n', { listId: String(listId) });
    expect(tabbed.imported).toBe(1);
    expect((await t.api('GET', '/api/contacts?search=tab@')).body.items[0].lastName).toBe("O'Brien, Jr");
  });

  it('follows an explicit mapping, types values by existing fields, and matches field names case-insensitively', async () => {
    await t.api('POST', '/api/contacts', { email: 'typed@example.com', fields: { score: 10, vip: true } });
    const csv = 'Courriel,Adresse,SCORE,Vip,Skip me\nmapped@example.com,1 rue,42,yes,x\nbadscore@example.com,2 rue,lots,no,y\n';
    const job = await importCsv(t, csv, {
      listId: String(listId),
      mapping: JSON.stringify({ Adresse: 'fields.address', 'skip me': 'ignore' }),
    });
    expect(job).toMatchObject({ imported: 2, skipped: 0 });
    expect(job.errors).toEqual([{ row: 3, message: 'column "SCORE": expected a number', column: 'SCORE', value: 'lots', skipped: false }]);
    const mapped = (await t.api('GET', '/api/contacts?search=mapped@')).body.items[0];
    expect(mapped.fields).toEqual({ address: '1 rue', score: 42, vip: true });
    const badScore = (await t.api('GET', '/api/contacts?search=badscore@')).body.items[0];
    expect(badScore.fields).toEqual({ address: '2 rue', vip: false });
  });

  it('refuses a bad request before importing anything', async () => {
    const noList = await upload(t, 'email\na@b.co\n', { listId: '999' });
    expect(noList.status).toBe(400);
    expect(noList.body.error.path).toBe('listId');
    const noKey = await upload(t, 'name,city\nx,y\n', { listId: String(listId) });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/email or a phone column/);
    const badMapping = await upload(t, 'email\na@b.co\n', { listId: String(listId), mapping: '{"Nope": "email"}' });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body.error.message).toMatch(/Nope/);
    const twice = await upload(t, 'email,e-mail\na@b.co,c@d.co\n', { listId: String(listId) });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toBe('columns "email" and "e-mail" both map to email');
    const mappedTwice = await upload(t, 'email,other\na@b.co,c@d.co\n', { listId: String(listId), mapping: '{"email":"phone","other":"phone"}' });
    expect(mappedTwice.status).toBe(400);
    const badCountry = await upload(t, 'email\na@b.co\n', { listId: String(listId), defaultCountry: 'XX' });
    expect([badCountry.status, badCountry.body.error.path]).toEqual([400, 'defaultCountry']);
    const badEncoding = await upload(t, 'email\na@b.co\n', { listId: String(listId), encoding: 'ebcdic' });
    expect([badEncoding.status, badEncoding.body.error.path]).toEqual([400, 'encoding']);
    const form = new FormData();
    form.append('listId', String(listId));
    const noFile = await fetch(`${t.baseUrl}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
    expect(noFile.status).toBe(400);
    expect((await t.api('GET', '/api/contacts?search=a@b.co')).body.total).toBe(0);
  });

  it('lists the custom fields in use with their types', async () => {
    const fields = await t.api('GET', '/api/fields');
    const byName = Object.fromEntries(fields.body.map((f: any) => [f.name, f.type]));
    expect(byName).toMatchObject({ score: 'number', vip: 'boolean', City: 'string', address: 'string' });
  });
});
