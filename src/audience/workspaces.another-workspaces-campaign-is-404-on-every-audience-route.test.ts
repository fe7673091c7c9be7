import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { springSale, useSpringSale, type SpringSale } from '../../test/support/springSale.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import type { ApiCall } from '../../test/support/app.js';
import type { WorkspaceContext } from '../context.js';

/**
 * Workspace B runs its own Spring sale, with a saved view and an auto-relaunch. To A's
 * admin key, every audience route answers B's campaign, view and auto-relaunch exactly
 * as ids that do not exist, and B's data is unchanged afterwards.
 */
const MISSING = 999999;

describeEachDatabase("another workspace's campaign on the audience routes", (kind) => {
  const { t, s } = useSpringSale(kind);
  let b: { api: ApiCall; ctx: WorkspaceContext };
  let sb: SpringSale;
  let bView: number;
  let bAuto: number;
  beforeAll(async () => {
    b = await addWorkspace(t);
    sb = await springSale(b.ctx);
    bView = (await b.api('POST', '/api/views', { name: 'B openers', segment: 'openers' })).body.id;
    bAuto = (await b.api('POST', `/api/campaigns/${sb.campaignId}/auto-relaunch`, { afterDays: 3, segment: 'inactive' })).body.id;
  });

  const campaignRoutes = (id: number): Array<[string, string, object?]> => [
    ['GET', `/api/campaigns/${id}/recipients`],
    ['GET', `/api/campaigns/${id}/recipients?segment=openers`],
    ['GET', `/api/campaigns/${id}/recipients/summary`],
    ['POST', `/api/campaigns/${id}/recipients/export`, {}],
    ['POST', `/api/campaigns/${id}/actions/create-list`, { segment: 'openers', name: 'Taken from B' }],
    ['POST', `/api/campaigns/${id}/actions/relaunch`, { segment: 'inactive' }],
    ['POST', `/api/campaigns/${id}/actions/relaunch`, { segment: 'inactive', sendAt: new Date(Date.now() + 86_400_000).toISOString() }],
    ['GET', `/api/campaigns/${id}/lineage`],
    ['POST', `/api/campaigns/${id}/auto-relaunch`, { afterDays: 2, segment: 'inactive' }],
    ['GET', `/api/campaigns/${id}/auto-relaunch`],
    ['POST', `/api/campaigns/${id}/auto-relaunch/${bAuto}/cancel`],
  ];

  it("answers B's campaign on every campaign route exactly as a missing one", async () => {
    const theirs = campaignRoutes(sb.campaignId);
    const missing = campaignRoutes(MISSING);
    for (const [i, [method, path, body]] of theirs.entries()) {
      const answer = await t.api(method, path, body);
      const [, missingPath, missingBody] = missing[i]!;
      const reference = await t.api(method, missingPath, missingBody);
      expect(reference.status, `${method} ${missingPath}`).toBe(404);
      expect({ status: answer.status, body: answer.body }, `${method} ${path}`).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'Campaign not found' } } });
      expect(answer.body).toEqual(reference.body);
    }
  });

  it("answers B's auto-relaunch under A's campaign, and B's saved view, as missing ones", async () => {
    const cancel = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/${bAuto}/cancel`);
    const cancelMissing = await t.api('POST', `/api/campaigns/${s.campaignId}/auto-relaunch/${MISSING}/cancel`);
    expect(cancel.status).toBe(404);
    expect(cancel.body).toEqual(cancelMissing.body);
    expect(cancel.body.error.message).toBe('Auto-relaunch not found');

    for (const [method, body] of [['GET'], ['PATCH', { name: 'Renamed by A' }], ['DELETE']] as const) {
      const answer = await t.api(method, `/api/views/${bView}`, body);
      const reference = await t.api(method, `/api/views/${MISSING}`, body);
      expect({ status: answer.status, body: answer.body }, `${method} view`).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'Saved view not found' } } });
      expect(answer.body).toEqual(reference.body);
    }
  });

  it("leaves B's data as it was", async () => {
    const [auto] = (await b.api('GET', `/api/campaigns/${sb.campaignId}/auto-relaunch`)).body;
    expect(auto).toMatchObject({ id: bAuto, status: 'pending' });
    expect((await b.api('GET', `/api/views/${bView}`)).body).toMatchObject({ name: 'B openers', segment: 'openers' });
    const lineage = (await b.api('GET', `/api/campaigns/${sb.campaignId}/lineage`)).body;
    expect(lineage.items.map((i: any) => i.role)).toEqual(['campaign']);
    const lists = (await b.api('GET', '/api/lists')).body;
    expect(JSON.stringify(lists)).not.toContain('Taken from B');
    // A's own lists and campaigns gained nothing from the refused calls either.
    expect(JSON.stringify((await t.api('GET', '/api/lists')).body)).not.toContain('Taken from B');
    const relaunches = await t.ctx.store.db.selectFrom('campaigns').select('id').where('parent_campaign_id', '=', sb.campaignId).execute();
    expect(relaunches).toEqual([]);
  });
});
