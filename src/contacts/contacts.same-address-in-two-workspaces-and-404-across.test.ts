import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { importFinished, uploadCsv } from '../../test/support/imports.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { resumeImports } from './importJobs.js';
import { planImport } from './importPlan.js';

const MISSING = 999_999;

describeEachDatabase('contacts, lists, fields and imports per workspace', (kind) => {
  const t = useTestApp(kind);
  let b: Awaited<ReturnType<typeof addWorkspace>>;
  /** Workspace A is the test app's first (t.api); B is a second one with an admin key of its own. */
  const as = (api: ApiCall, key: string): TestApp => ({ ...t, api, apiKey: key });
  const inB = () => as(b.api, b.key);
  const importInto = async (app: TestApp, csv: string, listId: number) => {
    const queued = await uploadCsv(app, csv, { listId: String(listId) });
    expect(queued.status).toBe(202);
    return importFinished(app, queued.body.id);
  };

  beforeAll(async () => {
    b = await addWorkspace(t);
  });

  it('keeps the same address as two contacts in two workspaces, each unique within its own', async () => {
    const a1 = await t.api('POST', '/api/contacts', { email: 'same@two.test', phone: '+447911123401', firstName: 'Ann' });
    const b1 = await b.api('POST', '/api/contacts', { email: 'SAME@two.test', phone: '+447911123401', firstName: 'Bea' });
    expect([a1.status, b1.status]).toEqual([201, 201]);
    expect(b1.body.id).not.toBe(a1.body.id);
    expect(b1.body.email).toBe('same@two.test');

    // The 409 names the contact of the caller's own workspace.
    const againInB = await b.api('POST', '/api/contacts', { email: 'same@two.test' });
    expect(againInB.status).toBe(409);
    expect(againInB.body.error.existingId).toBe(b1.body.id);
    const againInA = await t.api('POST', '/api/contacts', { phone: '+447911123401' });
    expect(againInA.body.error.existingId).toBe(a1.body.id);
    // Changing A's contact to an address only B has is no conflict.
    await b.api('POST', '/api/contacts', { email: 'only-in-b@two.test' });
    expect((await t.api('PATCH', `/api/contacts/${a1.body.id}`, { email: 'only-in-b@two.test' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/contacts/${a1.body.id}`, { email: 'same@two.test' })).status).toBe(200);

    // Listing and search see one workspace only.
    const searchA = await t.api('GET', '/api/contacts?search=same');
    expect(searchA.body.items.map((c: any) => [c.id, c.firstName])).toEqual([[a1.body.id, 'Ann']]);
    expect(searchA.body.total).toBe(1);
    const allB = await b.api('GET', '/api/contacts');
    expect(allB.body.items.map((c: any) => c.email).sort()).toEqual(['only-in-b@two.test', 'same@two.test']);
    expect(allB.body.items.every((c: any) => c.id !== a1.body.id)).toBe(true);
  });

  it('answers 404 to a contact, a list or an import of the other workspace, as to a missing one, and changes nothing of it', async () => {
    const contact = (await b.api('POST', '/api/contacts', { email: 'kept@b.test', firstName: 'Kept' })).body.id;
    const list = (await b.api('POST', '/api/lists', { name: 'B list' })).body.id;
    await b.api('POST', `/api/lists/${list}/contacts`, { contactIds: [contact] });
    const job = await importInto(inB(), 'email\nimported@b.test\n', list);
    expect(job.status).toBe('done');

    const asMissing = async (method: string, path: (id: number) => string, theirs: number, body?: unknown) => {
      const missing = await t.api(method, path(MISSING), body);
      const other = await t.api(method, path(theirs), body);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
      expect(other).toMatchObject({ status: missing.status, body: missing.body });
    };
    await asMissing('GET', (id) => `/api/contacts/${id}`, contact);
    await asMissing('PATCH', (id) => `/api/contacts/${id}`, contact, { firstName: 'Changed' });
    await asMissing('DELETE', (id) => `/api/contacts/${id}`, contact);
    await asMissing('GET', (id) => `/api/lists/${id}`, list);
    await asMissing('PATCH', (id) => `/api/lists/${id}`, list, { name: 'Renamed' });
    await asMissing('DELETE', (id) => `/api/lists/${id}`, list);
    await asMissing('POST', (id) => `/api/lists/${id}/contacts`, list, { contactIds: [contact] });
    await asMissing('DELETE', (id) => `/api/lists/${id}/contacts`, list, { contactIds: [contact] });
    await asMissing('GET', (id) => `/api/audience-count?listIds=${id}`, list);
    await asMissing('GET', (id) => `/api/imports/${id}`, job.id);

    // Ids nested in a body or a query: B's are A's missing ones.
    const listA = (await t.api('POST', '/api/lists', { name: 'A list' })).body.id;
    const mine = (await t.api('POST', '/api/contacts', { email: 'mine@a.test' })).body.id;
    const added = await t.api('POST', `/api/lists/${listA}/contacts`, { contactIds: [mine, contact, MISSING] });
    expect(added.body).toEqual({ added: 1, notFound: [contact, MISSING] });
    expect((await t.api('GET', `/api/audience-count?listIds=${listA}&listIds=${list}`)).status).toBe(404);
    expect((await t.api('GET', `/api/audience-count?listIds=${listA}`)).body).toEqual({ contacts: 1, reachable: 1 });
    const createdInto = await t.api('POST', '/api/contacts', { email: 'into@a.test', listIds: [list] });
    const createdIntoMissing = await t.api('POST', '/api/contacts', { email: 'into@a.test', listIds: [MISSING] });
    expect(createdInto.status).toBe(400);
    expect(createdInto.body).toEqual(createdIntoMissing.body);
    expect((await t.api('GET', '/api/contacts?search=into@')).body.total).toBe(0);
    expect((await t.api('GET', `/api/contacts?listId=${list}`)).body).toMatchObject({ total: 0, items: [] });
    const intoTheirs = await uploadCsv(t, 'email\nsneaky@a.test\n', { listId: String(list) });
    const intoMissing = await uploadCsv(t, 'email\nsneaky@a.test\n', { listId: String(MISSING) });
    expect(intoTheirs.status).toBe(400);
    expect(intoTheirs.body.error.message).toBe(intoMissing.body.error.message.replace(String(MISSING), String(list)));

    // B's objects are as they were.
    expect((await b.api('GET', `/api/contacts/${contact}`)).body).toMatchObject({ email: 'kept@b.test', firstName: 'Kept' });
    expect((await b.api('GET', `/api/lists/${list}`)).body).toMatchObject({ name: 'B list', size: 2 });
    expect((await b.api('GET', `/api/imports/${job.id}`)).body).toMatchObject({ status: 'done', imported: 1 });
    expect((await b.api('GET', `/api/contacts?listId=${list}`)).body.total).toBe(2);
    // And A's listings never show them.
    expect((await t.api('GET', '/api/lists')).body.map((l: any) => l.id)).not.toContain(list);
    expect((await t.api('GET', '/api/contacts?search=kept')).body.total).toBe(0);
  });

  it('imports into the workspace of the key: an address both have updates only that workspace’s contact', async () => {
    const a = (await t.api('POST', '/api/contacts', { email: 'both@import.test', firstName: 'Alpha' })).body.id;
    const bId = (await b.api('POST', '/api/contacts', { email: 'both@import.test', firstName: 'Beta' })).body.id;
    const listA = (await t.api('POST', '/api/lists', { name: 'Import A' })).body.id;
    const job = await importInto(t, 'Email,First Name\nboth@import.test,Aleph\nnew@import.test,Newcomer\n', listA);
    expect(job).toMatchObject({ status: 'done', imported: 1, updated: 1, skipped: 0 });

    expect((await t.api('GET', `/api/contacts/${a}`)).body.firstName).toBe('Aleph');
    expect((await b.api('GET', `/api/contacts/${bId}`)).body.firstName).toBe('Beta');
    expect((await b.api('GET', '/api/contacts?search=new@import')).body.total).toBe(0);
    const members = await t.api('GET', `/api/contacts?listId=${listA}`);
    expect(members.body.items.map((c: any) => c.email).sort()).toEqual(['both@import.test', 'new@import.test']);
    const rows = await t.ctx.store.db.selectFrom('contacts').select(['workspace_id', 'first_name']).where('email', '=', 'new@import.test').execute();
    expect(rows).toEqual([{ workspace_id: t.ctx.workspaceId, first_name: 'Newcomer' }]);

    // The same file in B updates B's contact and creates B's own new one.
    const listB = (await b.api('POST', '/api/lists', { name: 'Import B' })).body.id;
    const jobB = await importInto(inB(), 'Email,First Name\nboth@import.test,Bet\nnew@import.test,Other\n', listB);
    expect(jobB).toMatchObject({ status: 'done', imported: 1, updated: 1 });
    expect((await t.api('GET', `/api/contacts/${a}`)).body.firstName).toBe('Aleph');
    expect((await b.api('GET', `/api/contacts/${bId}`)).body.firstName).toBe('Bet');
    const both = await t.ctx.store.db.selectFrom('contacts').select(['workspace_id', 'first_name']).where('email', '=', 'new@import.test').orderBy('workspace_id').execute();
    expect(both).toEqual([
      { workspace_id: t.ctx.workspaceId, first_name: 'Newcomer' },
      { workspace_id: b.workspaceId, first_name: 'Other' },
    ]);
  });

  it('resumes an import into the workspace of its own row, whatever context resumes it', async () => {
    const listB = (await b.api('POST', '/api/lists', { name: 'Resumed' })).body.id;
    const path = join(t.ctx.config.dataDir, 'resumed.csv');
    writeFileSync(path, 'email,first name\nresumed@b.test,Resumed\n');
    const plan = await planImport(path, {}, []);
    const { id } = await t.ctx.store.db
      .insertInto('imports')
      .values({ workspace_id: b.workspaceId, list_id: listB, status: 'running', filename: 'resumed.csv', file_path: path, plan: t.ctx.store.dialect.writeJson(plan), created_at: t.ctx.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    // t.ctx acts in workspace A: the job must take B from the row, not from the context.
    expect(await resumeImports(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(await importFinished(inB(), id)).toMatchObject({ status: 'done', imported: 1 });
    expect((await b.api('GET', `/api/contacts?listId=${listB}`)).body.items.map((c: any) => c.email)).toEqual(['resumed@b.test']);
    expect((await t.api('GET', '/api/contacts?search=resumed')).body.total).toBe(0);
  });

  it('keeps custom fields per workspace: names, types and the import mapping of each', async () => {
    await t.api('POST', '/api/contacts', { email: 'fields@a.test', fields: { tier: 3, Region: 'North' } });
    await b.api('POST', '/api/contacts', { email: 'fields@b.test', fields: { tier: 'gold' } });
    const fieldsA = (await t.api('GET', '/api/fields')).body;
    const fieldsB = (await b.api('GET', '/api/fields')).body;
    expect(fieldsA).toEqual([
      { name: 'Region', type: 'string' },
      { name: 'tier', type: 'number' },
    ]);
    expect(fieldsB).toEqual([{ name: 'tier', type: 'string' }]);

    // Each import types cells and matches headers by its own workspace's fields.
    const csv = 'email,tier,region\nfields@import.test,gold,South\n';
    const listA = (await t.api('POST', '/api/lists', { name: 'Fields A' })).body.id;
    const listB = (await b.api('POST', '/api/lists', { name: 'Fields B' })).body.id;
    const jobA = await importInto(t, csv, listA);
    expect(jobA.columns).toEqual([
      { header: 'email', target: 'email' },
      { header: 'tier', target: 'fields.tier' },
      { header: 'region', target: 'fields.Region' },
    ]);
    expect(jobA.errors).toEqual([{ row: 2, message: 'column "tier": expected a number', column: 'tier', value: 'gold', skipped: false }]);
    const jobB = await importInto(inB(), csv, listB);
    expect(jobB.columns.map((c: any) => c.target)).toEqual(['email', 'fields.tier', 'fields.region']);
    expect(jobB).toMatchObject({ imported: 1, skipped: 0 });
    const imported = (await b.api('GET', '/api/contacts?search=fields@import')).body.items[0];
    expect(imported.fields).toEqual({ tier: 'gold', region: 'South' });
    expect((await b.api('GET', '/api/fields')).body).toEqual([
      { name: 'region', type: 'string' },
      { name: 'tier', type: 'string' },
    ]);
    expect((await t.api('GET', '/api/fields')).body).toEqual(fieldsA);
  });
});
