import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

describeEachDatabase("campaign stats of another workspace's campaign", (kind) => {
  const t = useTestApp(kind);
  let b: Awaited<ReturnType<typeof addWorkspace>>;
  let theirs: Scenario;

  beforeAll(async () => {
    b = await addWorkspace(t);
    theirs = await createScenario(b.ctx, { recipients: 2 });
    // Their campaign has activity that must not show anywhere else.
    expect((await fetch(`${t.baseUrl}/t/o/${theirs.token(0, 'open')}`)).status).toBe(200);
  });

  it('answers 404 not_found, exactly as for a campaign that does not exist', async () => {
    const refused = await t.api('GET', `/api/campaigns/${theirs.campaignId}/stats`);
    const missing = await t.api('GET', `/api/campaigns/${theirs.campaignId + 1000}/stats`);
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(refused.body).toEqual(missing.body);
  });

  it('answers its own workspace, any role that reads', async () => {
    await t.folded();
    const own = await b.api('GET', `/api/campaigns/${theirs.campaignId}/stats`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ campaignId: theirs.campaignId, sent: 2, opens: { total: 1, unique: 1 } });
    const mine = await createScenario(t.ctx, { recipients: 3 });
    const viewer = await apiAs(t, 'viewer');
    expect((await viewer('GET', `/api/campaigns/${mine.campaignId}/stats`)).body).toMatchObject({ campaignId: mine.campaignId, sent: 3, opens: { total: 0 } });
    expect((await viewer('GET', `/api/campaigns/${theirs.campaignId}/stats`)).status).toBe(404);
  });
});
