import { beforeAll, expect, it } from 'vitest';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { addContact, addList } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

describeEachDatabase('bulk actions on a selection of contacts', (kind) => {
  const t = useTestApp(kind);
  let editor: ApiCall;
  let viewer: ApiCall;
  let vip: number;
  let ada: number;
  let bob: number;
  let cy: number;
  let theirs: number;
  const audit = async () => (await t.api('GET', '/api/audit')).body.items as any[];
  const contact = async (id: number) => (await t.api('GET', `/api/contacts/${id}`)).body;

  beforeAll(async () => {
    t.clock.now = Date.parse('2030-06-01T09:00:00Z');
    editor = await apiAs(t, 'editor');
    viewer = await apiAs(t, 'viewer');
    vip = await addList(t.ctx, 'VIP');
    ada = await addContact(t.ctx, { email: 'ada@example.test', phone: '+33612345601' });
    bob = await addContact(t.ctx, { email: 'bob@example.test', listIds: [vip] });
    cy = await addContact(t.ctx, { email: 'cy@example.test' });
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'bounced' }).where('id', '=', cy).execute();
    const b = await addWorkspace(t);
    theirs = await addContact(b.ctx, { email: 'bea@b.test' });
  });

  it('adds a selection to a list, counting those already in it once, shows each contact its lists, and removes them again', async () => {
    const added = await editor('POST', '/api/contacts/bulk', { ids: [ada, bob, ada], action: 'addToList', listId: vip });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ action: 'addToList', contacts: 2, changed: 1 });
    expect((await contact(ada)).listIds).toEqual([vip]);
    expect((await t.api('GET', `/api/lists/${vip}`)).body.size).toBe(2);

    const removed = await editor('POST', '/api/contacts/bulk', { ids: [ada, bob, cy], action: 'removeFromList', listId: vip });
    expect(removed.body).toEqual({ action: 'removeFromList', contacts: 3, changed: 2 });
    expect((await contact(bob)).listIds).toEqual([]);
    const [remove, add] = await audit();
    expect(add).toMatchObject({ action: 'list.addContacts', objectType: 'list', objectId: vip, details: { contacts: 1 }, actor: { name: 'as editor' } });
    expect(remove).toMatchObject({ action: 'list.removeContacts', objectType: 'list', objectId: vip, details: { contacts: 2 } });

    const noList = await editor('POST', '/api/contacts/bulk', { ids: [ada], action: 'addToList' });
    expect([noList.status, noList.body.error.path]).toEqual([400, '$.listId']);
  });

  it('unsubscribes a selection by email and SMS, leaving a bounce as it is, and records it once', async () => {
    const response = await editor('POST', '/api/contacts/bulk', { ids: [ada, cy], action: 'unsubscribe' });
    expect(response.body).toEqual({ action: 'unsubscribe', contacts: 2, changed: 2 });
    expect([(await contact(ada)).emailStatus, (await contact(ada)).smsStatus]).toEqual(['unsubscribed', 'unsubscribed']);
    expect([(await contact(cy)).emailStatus, (await contact(cy)).smsStatus]).toEqual(['bounced', 'unsubscribed']);
    expect((await contact(bob)).emailStatus).toBe('subscribed');
    expect((await audit())[0]).toMatchObject({ action: 'contact.unsubscribe', objectType: 'contact', objectId: null, details: { contacts: 2 } });
    expect((await editor('POST', '/api/contacts/bulk', { ids: [ada], action: 'unsubscribe' })).body.changed).toBe(0);
  });

  it('answers 404 when one id is of another workspace, missing or erased, exactly as for a missing contact, and changes nothing', async () => {
    const before = (await audit()).length;
    const missing = await editor('POST', '/api/contacts/bulk', { ids: [bob, 999999], action: 'unsubscribe' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    for (const body of [
      { ids: [bob, theirs], action: 'unsubscribe' },
      { ids: [bob, theirs], action: 'addToList', listId: vip },
    ]) {
      const response = await editor('POST', '/api/contacts/bulk', body);
      expect(response.status).toBe(404);
      expect(response.body).toEqual(missing.body);
    }
    const eraseTheirs = await t.api('POST', '/api/contacts/bulk/erase', { ids: [bob, theirs] });
    expect([eraseTheirs.status, eraseTheirs.body]).toEqual([404, missing.body]);
    expect((await contact(bob)).emailStatus).toBe('subscribed');
    expect((await contact(bob)).listIds).toEqual([]);
    expect((await t.ctx.store.db.selectFrom('contacts').select('email_status').where('id', '=', theirs).executeTakeFirstOrThrow()).email_status).toBe('subscribed');
    // A list of another workspace is as missing as the contacts.
    const b = await addWorkspace(t, 'Brand C');
    const theirList = await addList(b.ctx, 'Their VIP');
    expect((await editor('POST', '/api/contacts/bulk', { ids: [bob], action: 'addToList', listId: theirList })).status).toBe(404);
    expect((await audit()).length).toBe(before);
  });

  it('lets only the export right erase a selection, each contact as a single erasure with its own activity line', async () => {
    const dan = await addContact(t.ctx, { email: 'dan@example.test', listIds: [vip] });
    const eve = await addContact(t.ctx, { email: 'eve@example.test' });
    for (const call of [editor, viewer]) {
      const refused = await call('POST', '/api/contacts/bulk/erase', { ids: [dan, eve] });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    }
    expect((await viewer('POST', '/api/contacts/bulk', { ids: [dan], action: 'unsubscribe' })).status).toBe(403);
    expect((await contact(dan)).email).toBe('dan@example.test');

    const erased = await t.api('POST', '/api/contacts/bulk/erase', { ids: [dan, eve] });
    expect(erased.body).toEqual({ erased: 2 });
    expect((await t.api('GET', `/api/contacts/${dan}`)).status).toBe(404);
    const row = await t.ctx.store.db.selectFrom('contacts').select(['email', 'erased_at']).where('id', '=', eve).executeTakeFirstOrThrow();
    expect(row.email).toBeNull();
    expect(row.erased_at).not.toBeNull();
    expect(await t.ctx.store.db.selectFrom('list_members').select('list_id').where('contact_id', '=', dan).execute()).toEqual([]);
    const erasures = (await audit()).slice(0, 2).map((e) => [e.action, e.objectId]);
    expect(erasures).toEqual([['contact.erase', eve], ['contact.erase', dan]]);
  });
});
