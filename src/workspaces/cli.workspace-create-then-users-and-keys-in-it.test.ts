import { expect, it } from 'vitest';
import { useCliDatabase } from '../../test/support/cli.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { verifyApiKey } from '../auth/apiKeys.js';
import { membership } from '../auth/members.js';
import { authenticate } from '../auth/users.js';

describeEachDatabase('ricochet workspace, user and apikey with --workspace and --role', (kind) => {
  const t = useCliDatabase(kind);
  const { ricochet } = t;
  const lastLine = (stdout: string) => stdout.trim().split('\n').at(-1)!;

  it('creates a workspace and puts a user and keys in it with the roles asked for', async () => {
    const created = await ricochet('workspace', 'create', 'Brand B');
    const workspaceId = Number(lastLine(created.stdout));
    expect(lastLine(created.stdout)).toMatch(/^\d+$/);
    expect(await t.store.db.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirst()).toEqual({ name: 'Brand B' });

    // Commands that do not depend on each other run at once: each is a process that loads the whole app.
    const [listed, user, scoped, plain] = await Promise.all([
      ricochet('workspace', 'list'),
      ricochet('user', 'create', 'Editor@Example.test', '--workspace', String(workspaceId), '--role', 'editor'),
      ricochet('apikey', 'create', 'Zapier', '--workspace', String(workspaceId), '--role', 'viewer'),
      ricochet('apikey', 'create', 'Default'),
    ]);
    expect(listed.stdout).toContain(`${workspaceId}\tBrand B`);
    const signedIn = await authenticate(t.store, 'editor@example.test', lastLine(user.stdout));
    expect(signedIn).toBeDefined();
    expect(await membership(t.store, signedIn!.id)).toEqual({ workspaceId, role: 'editor' });
    expect(await verifyApiKey(t.store, lastLine(scoped.stdout))).toMatchObject({ name: 'Zapier', workspaceId, role: 'viewer' });
    // Without the options: the first workspace, an admin key.
    expect(await verifyApiKey(t.store, lastLine(plain.stdout))).toMatchObject({ name: 'Default', workspaceId: 1, role: 'admin' });

    const zapier = (await verifyApiKey(t.store, lastLine(scoped.stdout)))!;
    const [inBrand, everywhere, revokedElsewhere] = await Promise.all([
      ricochet('apikey', 'list', '--workspace', String(workspaceId)).then((r) => r.stdout),
      ricochet('apikey', 'list').then((r) => r.stdout),
      // Without --workspace the command acts in the first workspace, where this key is as unknown as a missing one.
      ricochet('apikey', 'revoke', String(zapier.id)).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error),
    ]);
    expect(inBrand).toMatch(new RegExp(`\\tworkspace ${workspaceId}\\tZapier\\tviewer\\t`));
    expect(inBrand).not.toContain('Default');
    expect(everywhere).toContain('Zapier');
    expect(everywhere).toContain('Default');
    expect(revokedElsewhere).toMatchObject({ code: 1, stderr: expect.stringMatching(/No active API key with the id \d+ in workspace 1/) });
    expect(await verifyApiKey(t.store, lastLine(scoped.stdout))).toBeDefined();
    await ricochet('apikey', 'revoke', String(zapier.id), '--workspace', String(workspaceId));
    expect(await verifyApiKey(t.store, lastLine(scoped.stdout))).toBeUndefined();

    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'actor_type']).where('workspace_id', '=', workspaceId).orderBy('id').execute();
    // In the workspace's activity, as done by Ricochet itself (the user and the first key ran at once).
    expect(audit.map((a) => a.action).sort()).toEqual(['apikey.create', 'apikey.revoke', 'member.join', 'workspace.create']);
    expect(audit[0]!.action).toBe('workspace.create');
    expect(audit.every((a) => a.actor_type === 'system')).toBe(true);
  }, 180_000); // the first command may compile the server

  it('says plainly when the workspace does not exist or the role is not one', async () => {
    const refusals = await Promise.all(
      [
        ['user', 'create', 'ghost@example.test', '--workspace', '999'],
        ['apikey', 'create', 'Ghost', '--workspace', '999'],
        ['apikey', 'list', '--workspace', '999'],
        ['apikey', 'revoke', '999'],
        ['user', 'create', 'boss@example.test', '--role', 'boss'],
        ['apikey', 'create', 'Key', '--workspace', 'brand'],
        ['apikey', 'create', 'Key', '--team', '2'],
        ['workspace', 'create'],
      ].map((args) => ricochet(...args).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }))),
    );
    expect(refusals).toEqual([
      { code: 1, stderr: expect.stringMatching(/No workspace with the id 999/) },
      { code: 1, stderr: expect.stringMatching(/No workspace with the id 999/) },
      { code: 1, stderr: expect.stringMatching(/No workspace with the id 999/) },
      { code: 1, stderr: expect.stringMatching(/No active API key with the id 999/) },
      { code: 2, stderr: expect.stringMatching(/--role must be one of owner, admin, editor, viewer/) },
      { code: 2, stderr: expect.stringMatching(/--workspace must be a workspace id/) },
      { code: 2, stderr: expect.stringMatching(/Unknown option '--team'/) },
      { code: 2, stderr: expect.stringMatching(/workspace create <name>/) },
    ]);
    expect(await t.store.db.selectFrom('users').select('email').where('email', 'in', ['ghost@example.test', 'boss@example.test']).execute()).toEqual([]);
  });
});
