import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import { signingKeyFor } from './domains.js';

describeEachDatabase('sending domains: per workspace', (kind) => {
  const t = useTestApp(kind);

  it("answers 404 for another workspace's domain exactly as for a missing one, and lists only its own", async () => {
    const b = await addWorkspace(t);
    const ours = (await t.api('POST', '/api/domains', { domain: 'a.shop.test' })).body;
    const theirs = (await b.api('POST', '/api/domains', { domain: 'b.shop.test' })).body;

    const missing = await t.api('GET', '/api/domains/999999');
    expect(missing.status).toBe(404);
    for (const [method, path] of [['GET', `/api/domains/${theirs.id}`], ['POST', `/api/domains/${theirs.id}/check`], ['DELETE', `/api/domains/${theirs.id}`]] as const) {
      const answer = await t.api(method, path);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body, `${method} ${path}`).toEqual(missing.body);
    }
    expect((await t.api('GET', '/api/domains')).body.map((d: { domain: string }) => d.domain)).toEqual(['a.shop.test']);
    expect((await b.api('GET', '/api/domains')).body.map((d: { domain: string }) => d.domain)).toEqual(['b.shop.test']);
    // Untouched, unchecked, still B's: nothing A tried did anything.
    expect((await b.api('GET', `/api/domains/${theirs.id}`)).body).toEqual(theirs);
    expect((await b.api('GET', `/api/domains/${ours.id}`)).status).toBe(404);

    // Audit entries stay in the workspace that acted.
    const auditA = (await t.api('GET', '/api/audit')).body.items.filter((i: { action: string }) => i.action.startsWith('domain.'));
    expect(auditA.map((i: { objectId: number }) => i.objectId)).toEqual([ours.id]);
  });

  it('lets two workspaces add the same domain, each with its own selector and key', async () => {
    const b = await addWorkspace(t, 'Brand C');
    const inA = (await t.api('POST', '/api/domains', { domain: 'shared.shop.test' })).body;
    const inB = await b.api('POST', '/api/domains', { domain: 'shared.shop.test' });
    expect(inB.status).toBe(201);
    expect(inB.body.selector).not.toBe(inA.selector);
    expect(inB.body.records[0].value).not.toBe(inA.records[0].value);
    const keyA = await signingKeyFor(t.ctx, t.ctx.workspaceId, 'x@shared.shop.test');
    const keyB = await signingKeyFor(t.ctx, b.workspaceId, 'x@shared.shop.test');
    expect([keyA?.keySelector, keyB?.keySelector]).toEqual([inA.selector, inB.body.selector]);
    expect(keyA?.privateKey).not.toBe(keyB?.privateKey);
    // The key of one workspace is not the other's for an address of a domain only the other has.
    expect(await signingKeyFor(t.ctx, b.workspaceId, 'x@a.shop.test')).toBeUndefined();
  });

  it('lets every role read the domains (editors pick From addresses), and only owners and admins change them', async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'roles.shop.test' });
    for (const role of ['editor', 'viewer'] as const) {
      const as = await apiAs(t, role);
      expect((await as('GET', '/api/domains')).status, role).toBe(200);
      expect((await as('GET', `/api/domains/${body.id}`)).status, role).toBe(200);
      for (const [method, path, payload] of [
        ['POST', '/api/domains', { domain: `${role}.shop.test` }],
        ['POST', `/api/domains/${body.id}/check`, undefined],
        ['DELETE', `/api/domains/${body.id}`, undefined],
      ] as const) {
        const refused = await as(method, path, payload);
        expect(refused.status, `${role} ${method} ${path}`).toBe(403);
        expect(refused.body.error.code).toBe('forbidden');
      }
    }
    const admin = await apiAs(t, 'admin');
    expect((await admin('DELETE', `/api/domains/${body.id}`)).status).toBe(204);
    const left = await t.ctx.store.db.selectFrom('sending_domains').select('domain').where('workspace_id', '=', t.ctx.workspaceId).execute();
    expect(left.map((r) => r.domain)).not.toContain('editor.shop.test');
    expect(left.map((r) => r.domain)).not.toContain('roles.shop.test');
  });
});
