import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase, type DatabaseKind } from '../../test/support/databases.js';
import { importFinished, uploadCsv } from '../../test/support/imports.js';
import { startScheduler, type Scheduler } from '../scheduler/scheduler.js';

const EMAIL = 'zebulon.quillfeather@example.org';
/** Whatever would identify the person: address, names, a custom field, the phone as stored and as typed. */
const NEEDLES = ['zebulon', 'quillfeather', 'zebby', '7911123456', '7911 123456'];
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const found = (text: string) => NEEDLES.filter((needle) => text.toLowerCase().includes(needle));

/** Every table the database has, from its own catalogue, so that a table added later is searched too. */
async function tablesHolding(t: TestApp, kind: DatabaseKind): Promise<{ tables: string[]; hits: string[] }> {
  const { db } = t.ctx.store;
  const catalogue =
    kind === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
      : sql<{ name: string }>`select table_schema || '.' || table_name as name from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`;
  const tables = (await catalogue.execute(db)).rows.map((r) => r.name);
  const hits: string[] = [];
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    const text = JSON.stringify(rows, (_, value) =>
      value?.type === 'Buffer' && Array.isArray(value.data) ? Buffer.from(value.data).toString('latin1') : typeof value === 'bigint' ? String(value) : value,
    );
    for (const needle of found(text)) hits.push(`${table}: ${needle}`);
  }
  return { tables, hits };
}

/** Every file under a folder, read as bytes (database files included). */
function filesHolding(dir: string): string[] {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (!statSync(path).isFile()) continue;
    for (const needle of found(readFileSync(path).toString('latin1'))) hits.push(`${entry}: ${needle}`);
  }
  return hits;
}

describeEachDatabase('erasure', (kind) => {
  let t: TestApp;
  let sender: Scheduler | undefined;
  // As in production: DATA_DIR holds the outbox, spooled imports and, on SQLite, the database itself.
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-erase-'));
  beforeAll(async () => {
    t = await startTestApp(kind, {
      DATA_DIR: dataDir,
      SMS_SEND_WINDOW: 'always',
      ...(kind === 'sqlite' && { DATABASE_URL: `sqlite:${join(dataDir, 'ricochet.db')}` }),
    });
  });
  afterAll(async () => {
    await sender?.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves neither the address, the phone nor the names in any table or any file under DATA_DIR', async () => {
    const listId = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body.id;
    const created = await t.api('POST', '/api/contacts', {
      email: EMAIL,
      phone: '+447911123456',
      firstName: 'Zebulon',
      lastName: 'Quillfeather',
      fields: { nickname: 'Zebby Q', city: 'Leeds' },
      listIds: [listId],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await t.api('POST', '/api/contacts', { email: 'someone.else@example.org', listIds: [listId] });

    // An import of a file naming the contact, which fails on a quote never closed.
    const csv = `email,phone,first name,last name\n${EMAIL},07911 123456,Zebulon,Quillfeather\nbroken@example.org,,"never closed,x\n`;
    const queued = await uploadCsv(t, csv, { listId: String(listId) });
    expect(queued.status).toBe(202);
    expect((await importFinished(t, queued.body.id)).status).toBe('failed');

    // Mailed and texted for real, through the outbox.
    const email = await t.api('POST', '/api/campaigns', {
      name: 'Spring',
      subject: 'Hello {{ contact.firstName }}',
      fromEmail: 'news@shop.test',
      html: '<p>Dear {{ contact.firstName }} {{ contact.lastName }} ({{ contact.fields.nickname }})</p><p><a href="https://shop.test/sale">Sale</a></p>',
      listIds: [listId],
    });
    const sms = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Spring SMS', senderId: 'SHOP', body: 'Hi {{ contact.firstName }}, -30% today', listIds: [listId] });
    for (const campaign of [email.body.id, sms.body.id]) expect((await t.api('POST', `/api/campaigns/${campaign}/send`, {})).status).toBe(200);
    sender = startScheduler(t.ctx, { idleMs: 20 });
    const sent = async (campaign: number) => (await t.api('GET', `/api/campaigns/${campaign}`)).body.status === 'sent';
    for (let i = 0; i < 800 && !((await sent(email.body.id)) && (await sent(sms.body.id))); i++) await new Promise((r) => setTimeout(r, 25));
    expect([await sent(email.body.id), await sent(sms.body.id)]).toEqual([true, true]);
    const outbox = join(dataDir, 'outbox');
    const files = readdirSync(outbox);
    expect(files.filter((f) => f.endsWith('.sms.txt')).some((f) => readFileSync(join(outbox, f), 'utf8').includes('Zebulon'))).toBe(true);

    // Opened and clicked.
    const mails = await Promise.all(files.filter((f) => f.endsWith('.eml')).map(async (f) => simpleParser(readFileSync(join(outbox, f)))));
    const mail = mails.find((m) => (m.html || '').includes('Zebulon'))!;
    const html = String(mail.html);
    const pixel = /\/t\/o\/[\w.-]+/.exec(html)![0];
    const click = /\/t\/c\/[\w.-]+/.exec(html)![0];
    expect((await fetch(t.baseUrl + pixel, { headers: { 'user-agent': BROWSER } })).status).toBe(200);
    expect((await fetch(t.baseUrl + click, { headers: { 'user-agent': BROWSER }, redirect: 'manual' })).status).toBe(302);

    // Bounced later, with a diagnostic that quotes the address.
    const values: Record<string, string> = { recipient: EMAIL, messageIdHeader: mail.messageId! };
    const dsn = readFileSync(new URL('../tracking/fixtures/dsn-hard-user-unknown.eml', import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
    const bounce = await fetch(`${t.baseUrl}/api/webhooks/inbound-email`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'message/rfc822' }, body: dsn });
    expect(await bounce.json()).toMatchObject({ matched: true, contactId: id, changed: true });

    // Everything above did leave traces: the search finds them before erasure.
    expect((await tablesHolding(t, kind)).hits).toEqual(expect.arrayContaining([expect.stringMatching(/events: zebulon$/), expect.stringMatching(/contacts: zebulon$/)]));
    expect(filesHolding(dataDir).length).toBeGreaterThan(0);

    expect((await t.api('DELETE', `/api/contacts/${id}`)).status).toBe(204);

    const { tables, hits } = await tablesHolding(t, kind);
    expect(tables.length).toBeGreaterThan(15);
    expect(hits).toEqual([]);
    expect(filesHolding(dataDir)).toEqual([]);
    // Campaign figures keep the erased contact's send, open, click and bounce.
    const stats = await t.api('GET', `/api/campaigns/${email.body.id}/stats`);
    expect(stats.body).toMatchObject({ sent: 2, bounced: { hard: 1 } });
  });
});
