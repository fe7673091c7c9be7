import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';

describeEachDatabase('lists: public names, the preference switch and pending members', (kind) => {
  const t = useTestApp(kind);

  it('keeps publicName and onPreferences through create, update, get and listing', async () => {
    const created = await t.api('POST', '/api/lists', { name: 'Newsletter', publicName: '  Weekly news ', onPreferences: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Newsletter', publicName: 'Weekly news', onPreferences: true, size: 0, pending: 0 });
    const plain = await t.api('POST', '/api/lists', { name: 'Internal' });
    expect(plain.body).toMatchObject({ publicName: null, onPreferences: false });

    // A rename alone keeps both; each changes when given; a blank public name is none.
    expect((await t.api('PATCH', `/api/lists/${created.body.id}`, { name: 'News' })).body).toMatchObject({ name: 'News', publicName: 'Weekly news', onPreferences: true });
    expect((await t.api('PATCH', `/api/lists/${created.body.id}`, { name: 'News', onPreferences: false })).body).toMatchObject({ publicName: 'Weekly news', onPreferences: false });
    expect((await t.api('PATCH', `/api/lists/${created.body.id}`, { name: 'News', publicName: '  ' })).body).toMatchObject({ publicName: null, onPreferences: false });
    expect((await t.api('PATCH', `/api/lists/${plain.body.id}`, { name: 'Internal', publicName: 'Offers', onPreferences: true })).body).toMatchObject({ publicName: 'Offers', onPreferences: true });

    expect((await t.api('GET', `/api/lists/${plain.body.id}`)).body).toMatchObject({ name: 'Internal', publicName: 'Offers', onPreferences: true });
    const listed = (await t.api('GET', '/api/lists')).body.filter((l: any) => [created.body.id, plain.body.id].includes(l.id));
    expect(listed.map((l: any) => [l.name, l.publicName, l.onPreferences])).toEqual([
      ['News', null, false],
      ['Internal', 'Offers', true],
    ]);
    const row = await t.ctx.store.db.selectFrom('lists').select(['public_name', 'on_preferences']).where('id', '=', plain.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ public_name: 'Offers', on_preferences: 1 });

    expect((await t.api('POST', '/api/lists', { name: 'X', publicName: 'x'.repeat(201) })).status).toBe(400);
    expect((await t.api('PATCH', `/api/lists/${plain.body.id}`, { name: 'X', onPreferences: 'yes' })).status).toBe(400);
    const other = await addWorkspace(t);
    expect((await other.api('PATCH', `/api/lists/${plain.body.id}`, { name: 'Taken', onPreferences: false })).status).toBe(404);
    expect((await t.api('GET', `/api/lists/${plain.body.id}`)).body).toMatchObject({ name: 'Internal', onPreferences: true });
  });

  it('counts pending members apart from the size, in the listing and for one list', async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'Sign-ups' })).body.id;
    const empty = (await t.api('POST', '/api/lists', { name: 'Empty' })).body.id;
    const ids: number[] = [];
    for (const [email, emailStatus] of [
      ['sub@pending.test', 'subscribed'],
      ['gone@pending.test', 'unsubscribed'],
      ['p1@pending.test', 'subscribed'],
      ['p2@pending.test', 'subscribed'],
      ['p3@pending.test', 'subscribed'],
    ]) {
      ids.push((await t.api('POST', '/api/contacts', { email, emailStatus, listIds: [list] })).body.id);
    }
    // Clients cannot set pending: only a double opt-in sign-up makes a contact pending.
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'pending' }).where('id', 'in', ids.slice(2)).execute();

    expect((await t.api('GET', `/api/lists/${list}`)).body).toMatchObject({ size: 2, pending: 3 });
    const listed = (await t.api('GET', '/api/lists')).body;
    expect(listed.find((l: any) => l.id === list)).toMatchObject({ size: 2, pending: 3 });
    expect(listed.find((l: any) => l.id === empty)).toMatchObject({ size: 0, pending: 0 });

    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'subscribed' }).where('id', '=', ids[2]!).execute();
    expect((await t.api('GET', `/api/lists/${list}`)).body).toMatchObject({ size: 3, pending: 2 });
    await t.api('DELETE', `/api/lists/${list}/contacts`, { contactIds: [ids[3]] });
    expect((await t.api('PATCH', `/api/lists/${list}`, { name: 'Sign-ups' })).body).toMatchObject({ size: 3, pending: 1 });
  });
});
