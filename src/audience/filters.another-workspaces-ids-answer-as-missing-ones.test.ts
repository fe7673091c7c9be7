import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addMessage } from '../../test/support/audienceScenario.js';
import { springSale, useSpringSale, type SpringSale } from '../../test/support/springSale.js';
import { addWorkspace } from '../../test/support/workspaces.js';

/**
 * A filter on A's campaign that names B's link, campaign, list or saved view gets the
 * 400 a missing one gets, at the same path with the same words; the same filter with
 * A's own ids works, so the refusal is about the workspace, not the shape.
 */
describeEachDatabase("a filter naming another workspace's objects", (kind) => {
  const { t, s } = useSpringSale(kind);
  let sb: SpringSale;
  let bView: number;
  let aSummer: number;
  beforeAll(async () => {
    const b = await addWorkspace(t);
    sb = await springSale(b.ctx);
    bView = (await b.api('POST', '/api/views', { name: 'B openers', segment: 'openers' })).body.id;
    // A's own second campaign, where alice opened: the cross-campaign condition's positive control.
    aSummer = (await addCampaign(t.ctx, { name: 'Summer' })).id;
    await addMessage(t.ctx, aSummer, s.ids.alice!, { opens: 1 });
  });

  const recipients = (filter: object) => t.api('GET', `/api/campaigns/${s.campaignId}/recipients?filter=${encodeURIComponent(JSON.stringify(filter))}`);
  const names = (answer: { body: any }) => s.names(answer.body.items.map((r: any) => r.contactId));

  it("answers B's link as a link that is not the campaign's", async () => {
    const mine = await recipients({ field: 'clickedLink', linkId: s.links.sale, op: 'gte', value: 1 });
    expect(names(mine)).toEqual(['bob']);
    const theirs = await recipients({ field: 'clickedLink', linkId: sb.links.sale, op: 'gte', value: 1 });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error).toEqual({ code: 'bad_request', path: '$.linkId', message: `$.linkId: link ${sb.links.sale} is not a link of campaign ${s.campaignId}` });
  });

  it("answers B's campaign in a cross-campaign condition as one that does not exist", async () => {
    const mine = await recipients({ field: 'opened', campaignId: aSummer, op: 'is', value: true });
    expect(names(mine)).toEqual(['alice']);
    const theirs = await recipients({ match: 'all', conditions: [{ field: 'opened', campaignId: sb.campaignId, op: 'is', value: true }] });
    const missing = await recipients({ match: 'all', conditions: [{ field: 'opened', campaignId: 999999, op: 'is', value: true }] });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error).toEqual({ code: 'bad_request', path: '$.conditions[0].campaignId', message: `$.conditions[0].campaignId: campaign ${sb.campaignId} does not exist` });
    expect(theirs.body.error.message.replace(String(sb.campaignId), '#')).toBe(missing.body.error.message.replace('999999', '#'));
  });

  it("answers B's list as one that does not exist, in the view and in the actions' bodies", async () => {
    const mine = await recipients({ field: 'contact.inList', op: 'in', value: [s.vip] });
    expect(names(mine)).toEqual(['alice', 'carol']);
    const theirs = await recipients({ field: 'contact.inList', op: 'in', value: [s.vip, sb.vip] });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error).toEqual({ code: 'bad_request', path: '$.value', message: `$.value: list ${sb.vip} does not exist` });

    const exported = await t.api('POST', `/api/campaigns/${s.campaignId}/recipients/export`, { filter: { field: 'contact.inList', op: 'in', value: [sb.vip] } });
    expect(exported.status).toBe(400);
    expect(exported.body.error.path).toBe('$.filter.value');

    // Adding A's openers to B's list is adding them to a list that does not exist.
    const intoTheirs = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', listId: sb.vip });
    const intoMissing = await t.api('POST', `/api/campaigns/${s.campaignId}/actions/create-list`, { segment: 'openers', listId: 999999 });
    expect({ status: intoTheirs.status, body: intoTheirs.body }).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'List not found' } } });
    expect(intoMissing.body).toEqual(intoTheirs.body);
    const bMembers = await t.ctx.store.db.selectFrom('list_members').select('contact_id').where('list_id', '=', sb.vip).execute();
    expect(sb.names(bMembers.map((m) => m.contact_id))).toEqual(['alice', 'carol']);
  });

  it("answers B's saved view as one that does not exist, wherever a view can be named", async () => {
    const summary = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients/summary?viewId=${bView}`);
    expect(summary.status).toBe(400);
    expect(summary.body.error).toEqual({ code: 'bad_request', path: 'query.viewId', message: `query.viewId: saved view ${bView} does not exist` });
    for (const action of ['recipients/export', 'actions/create-list', 'actions/relaunch']) {
      const answer = await t.api('POST', `/api/campaigns/${s.campaignId}/${action}`, { viewId: bView });
      expect({ status: answer.status, body: answer.body }, action).toEqual({
        status: 400,
        body: { error: { code: 'bad_request', path: '$.viewId', message: `$.viewId: saved view ${bView} does not exist` } },
      });
    }
  });

  it("matches a custom field of A's contacts only, whatever B's contacts hold", async () => {
    // B's Spring sale has its own Paris: none of them is a recipient of A's campaign.
    const paris = await recipients({ field: 'contact.fields.city', op: 'eq', value: 'Paris' });
    expect(names(paris)).toEqual(['alice', 'carol', 'ivy']);
    const ids = new Set(paris.body.items.map((r: any) => r.contactId));
    for (const id of Object.values(sb.ids)) expect(ids.has(id)).toBe(false);
  });
});
