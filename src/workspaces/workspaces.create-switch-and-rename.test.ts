import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, memberSignedIn } from '../../test/support/workspaces.js';

type Browser = Awaited<ReturnType<typeof memberSignedIn>>;

describeEachDatabase('Workspaces', (kind) => {
  const t = useTestApp(kind);
  let owner: Browser;
  let created: { id: number; name: string; role: string };
  beforeAll(async () => {
    owner = await memberSignedIn(t, 'owner@example.test', 'owner');
  });
  const first = () => ({ id: t.ctx.workspaceId, name: 'My workspace', role: 'owner' });

  it('creates a workspace whose owner is the user who created it', async () => {
    const response = await owner.call('POST', '/api/workspaces', { name: '  Brand B ' });
    expect(response.status).toBe(201);
    created = response.body;
    expect(created).toEqual({ id: expect.any(Number), name: 'Brand B', role: 'owner' });
    expect((await owner.call('GET', '/api/workspaces')).body).toEqual([first(), created]);
    expect(await owner.call('POST', '/api/workspaces', { name: '   ' })).toMatchObject({ status: 400, body: { error: { path: '$.name' } } });

    const audit = (await owner.call('GET', '/api/audit', undefined, { 'x-workspace': String(created.id) })).body.items;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'workspace.create', actor: { type: 'user', id: owner.userId, name: 'owner@example.test' }, objectId: created.id, details: { name: 'Brand B' } }),
    ]);
  });

  it('switches with X-Workspace: the session says which one and what the role may do, and data stays apart', async () => {
    expect((await t.api('POST', '/api/contacts', { email: 'in-first@example.test' })).status).toBe(201);
    const session = await owner.call('GET', '/api/session', undefined, { 'x-workspace': String(created.id) });
    expect(session.body.workspace).toEqual({ ...created, rights: ['read', 'edit', 'send', 'export', 'manage'] });
    expect(session.body.workspaces).toEqual([first(), created]);
    expect((await owner.call('GET', '/api/session')).body.workspace).toMatchObject(first());

    expect((await owner.call('GET', '/api/contacts')).body.items.map((c: { email: string }) => c.email)).toEqual(['in-first@example.test']);
    expect((await owner.call('GET', '/api/contacts', undefined, { 'x-workspace': String(created.id) })).body.items).toEqual([]);

    // A workspace the user is not in is as absent as one that does not exist.
    const other = await addWorkspace(t, 'Not theirs');
    // Status and body compared (the Date header moves when two answers straddle a second).
    const answer = async (path: string, workspace: string) => {
      const { status, body } = await owner.call('GET', path, undefined, { 'x-workspace': workspace });
      return { status, body };
    };
    const missing = await answer('/api/session', '999999');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await answer('/api/session', String(other.workspaceId))).toEqual(missing);
    expect(await answer('/api/contacts', String(other.workspaceId))).toEqual(missing);
  });

  it('gives a key its own workspace only, and no workspace of its own making', async () => {
    expect((await t.api('GET', '/api/workspaces')).body).toEqual([{ id: t.ctx.workspaceId, name: 'My workspace', role: 'admin' }]);
    expect(await t.api('POST', '/api/workspaces', { name: 'Key-made' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await t.api('GET', '/api/session')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('renames the current workspace, for those who manage it', async () => {
    const renamed = await owner.call('PATCH', '/api/workspace', { name: 'Brand B (EU)' }, { 'x-workspace': String(created.id) });
    expect(renamed).toMatchObject({ status: 200, body: { id: created.id, name: 'Brand B (EU)', role: 'owner' } });
    expect((await owner.call('GET', '/api/workspaces')).body).toEqual([first(), { ...created, name: 'Brand B (EU)' }]);
    const audit = (await owner.call('GET', '/api/audit', undefined, { 'x-workspace': String(created.id) })).body.items;
    expect(audit[0]).toMatchObject({ action: 'workspace.rename', details: { from: 'Brand B', to: 'Brand B (EU)' } });

    const viewer = await memberSignedIn(t, 'viewer@example.test', 'viewer');
    expect(await viewer.call('PATCH', '/api/workspace', { name: 'Mine now' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await t.api('GET', '/api/workspaces')).body[0].name).toBe('My workspace');
  });

  it('leaves a user without a workspace signed in, with none to show, free to create one', async () => {
    const lone = await memberSignedIn(t, 'lone@example.test', 'viewer');
    expect((await t.api('DELETE', `/api/members/${lone.userId}`)).status).toBe(204);
    expect((await lone.call('GET', '/api/session')).body).toMatchObject({ user: { email: 'lone@example.test' }, workspace: null, workspaces: [] });
    expect((await lone.call('GET', '/api/workspaces')).body).toEqual([]);
    expect(await lone.call('GET', '/api/contacts')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const own = await lone.call('POST', '/api/workspaces', { name: 'Solo' });
    expect(own).toMatchObject({ status: 201, body: { name: 'Solo', role: 'owner' } });
    expect((await lone.call('GET', '/api/session')).body.workspace).toEqual({ id: own.body.id, name: 'Solo', role: 'owner', rights: ['read', 'edit', 'send', 'export', 'manage'] });
  });
});
