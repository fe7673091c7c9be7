import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';

describeEachDatabase('saved views per workspace', (kind) => {
  const t = useTestApp(kind);

  it("lists, reads, changes and deletes only the views of the caller's workspace", async () => {
    const b = await addWorkspace(t);
    const filter = { field: 'contact.fields.city', op: 'eq', value: 'Paris' };
    const aOpeners = await t.api('POST', '/api/views', { name: 'Openers', segment: 'openers' });
    const aParis = await t.api('POST', '/api/views', { name: 'Paris', filter });
    // The same name in another workspace is another view.
    const bOpeners = await b.api('POST', '/api/views', { name: 'Openers', segment: 'clickers' });
    expect([aOpeners.status, aParis.status, bOpeners.status]).toEqual([201, 201, 201]);

    const rows = await t.ctx.store.db.selectFrom('saved_views').select(['id', 'workspace_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: aOpeners.body.id, workspace_id: t.ctx.workspaceId },
      { id: aParis.body.id, workspace_id: t.ctx.workspaceId },
      { id: bOpeners.body.id, workspace_id: b.workspaceId },
    ]);

    expect((await t.api('GET', '/api/views')).body.map((v: any) => [v.id, v.segment])).toEqual([
      [aOpeners.body.id, 'openers'],
      [aParis.body.id, null],
    ]);
    expect((await b.api('GET', '/api/views')).body.map((v: any) => [v.id, v.segment])).toEqual([[bOpeners.body.id, 'clickers']]);

    // Each workspace changes and deletes its own; the other's id is not found and stays as it was.
    expect((await b.api('PATCH', `/api/views/${aOpeners.body.id}`, { segment: 'inactive' })).status).toBe(404);
    expect((await b.api('DELETE', `/api/views/${aParis.body.id}`)).status).toBe(404);
    expect((await t.api('PATCH', `/api/views/${bOpeners.body.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await t.api('GET', `/api/views/${aOpeners.body.id}`)).body).toMatchObject({ name: 'Openers', segment: 'openers' });
    expect((await t.api('GET', `/api/views/${aParis.body.id}`)).body).toMatchObject({ name: 'Paris', filter });
    expect((await b.api('GET', `/api/views/${bOpeners.body.id}`)).body).toMatchObject({ name: 'Openers', segment: 'clickers' });

    expect((await b.api('PATCH', `/api/views/${bOpeners.body.id}`, { name: 'B clickers' })).body.name).toBe('B clickers');
    expect((await b.api('DELETE', `/api/views/${bOpeners.body.id}`)).status).toBe(204);
    expect((await b.api('GET', '/api/views')).body).toEqual([]);
    expect((await t.api('GET', '/api/views')).body).toHaveLength(2);
  });
});
