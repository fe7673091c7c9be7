import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../auth/apiKeys.js';
import { useTestApp, type ApiCall } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import type { WorkspaceContext } from '../context.js';

/** A sample report from fixtures/, its {{placeholders}} filled in. */
function sample(name: string, values: Record<string, string>): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

describeEachDatabase("bounce and complaint reports reach only the posting workspace's messages", (kind) => {
  const t = useTestApp(kind);
  let b: Awaited<ReturnType<typeof addWorkspace>>;
  /** B's campaign: its first contact has no tracking consent (campaign-level tokens), its second a relay id. */
  let theirs: Scenario;
  const theirProviderId = () => `<ricochet.${theirs.messages[1]!.id}.x@shop.example>`;

  const inbound = (key: string, raw: string) =>
    fetch(`${t.baseUrl}/api/webhooks/inbound-email`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'message/rfc822' }, body: raw }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
  /** Everything a report could have changed in the workspace's campaign. */
  const stateOf = async (ctx: WorkspaceContext, campaignId: number) => {
    const { db } = ctx.store;
    const messages = await db.selectFrom('messages').select(['id', 'status', 'bounce_type', 'complained_at']).where('campaign_id', '=', campaignId).orderBy('id').execute();
    const contacts = await db
      .selectFrom('contacts')
      .select(['id', 'email_status'])
      .where('id', 'in', (await db.selectFrom('messages').select('contact_id').where('campaign_id', '=', campaignId).execute()).map((m) => m.contact_id))
      .orderBy('id')
      .execute();
    const events = await db.selectFrom('events').select(['type']).where('campaign_id', '=', campaignId).where('type', 'in', ['bounce', 'complaint']).execute();
    return { messages, contacts, events };
  };
  /** The same address, a contact of A and of B, each sent one campaign of its own workspace. */
  const sharedAddress = async (email: string) => {
    const now = t.ctx.now();
    const contactIn = async (ctx: WorkspaceContext) =>
      (
        await ctx.store.db
          .insertInto('contacts')
          .values({ workspace_id: ctx.workspaceId, email, fields: ctx.store.dialect.writeJson({}), created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    return { a: await createScenario(t.ctx, { contactIds: [await contactIn(t.ctx)] }), b: await createScenario(b.ctx, { contactIds: [await contactIn(b.ctx)] }) };
  };

  beforeAll(async () => {
    b = await addWorkspace(t);
    theirs = await createScenario(b.ctx, { recipients: 2, withoutConsent: 1 });
    await t.ctx.store.db.updateTable('messages').set({ provider_id: theirProviderId() }).where('id', '=', theirs.messages[1]!.id).execute();
  });

  it("answers a bounce naming another workspace's message id as a missing one, and changes nothing there", async () => {
    const before = await stateOf(b.ctx, theirs.campaignId);
    const refused = await t.api('POST', '/api/webhooks/bounces', { messageId: theirs.messages[1]!.id, type: 'hard', reason: '550 5.1.1' });
    const missing = await t.api('POST', '/api/webhooks/bounces', { messageId: theirs.messages[1]!.id + 1000, type: 'hard' });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(refused.body).toEqual(missing.body);
    expect((await t.api('POST', '/api/webhooks/bounces', { messageId: theirs.messages[0]!.id, type: 'complaint' })).status).toBe(404);
    expect(await stateOf(b.ctx, theirs.campaignId)).toEqual(before);
    expect(before.messages.map((m) => m.status)).toEqual(['delivered', 'delivered']);

    // B's own key reaches it.
    expect((await b.api('POST', '/api/webhooks/bounces', { messageId: theirs.messages[0]!.id, type: 'soft' })).body).toMatchObject({ matched: true, messageId: theirs.messages[0]!.id, changed: true });
  });

  it("applies a bounce by address to the posting workspace's contact only, and keeps one naming another's address or campaign as unmatched", async () => {
    const shared = await sharedAddress('shared@example.org');
    const complaint = await t.api('POST', '/api/webhooks/bounces', { email: 'Shared@Example.org', type: 'complaint' });
    expect(complaint.body).toMatchObject({ matched: true, messageId: shared.a.messages[0]!.id, contactId: shared.a.messages[0]!.contactId, contactStatus: 'complained' });
    expect((await stateOf(b.ctx, shared.b.campaignId)).contacts).toEqual([{ id: shared.b.messages[0]!.contactId, email_status: 'subscribed' }]);
    expect((await stateOf(b.ctx, shared.b.campaignId)).messages[0]!.complained_at).toBeNull();

    const before = await stateOf(b.ctx, theirs.campaignId);
    const onlyTheirs = theirs.messages[1]!.email!;
    expect((await t.api('POST', '/api/webhooks/bounces', { email: onlyTheirs, type: 'hard' })).body).toMatchObject({ matched: false, changed: false, messageId: null });
    const named = await t.api('POST', '/api/webhooks/bounces', { email: 'shared@example.org', campaignId: shared.b.campaignId, type: 'hard' });
    expect(named.body).toMatchObject({ matched: false, changed: false });
    expect(await stateOf(b.ctx, theirs.campaignId)).toEqual(before);
    expect((await stateOf(b.ctx, shared.b.campaignId)).messages[0]!.status).toBe('delivered');
  });

  it("keeps an inbound report tied to another workspace's message (relay id, personal or campaign token) as unmatched in the posting workspace", async () => {
    const before = await stateOf(b.ctx, theirs.campaignId);
    const byRelayId = await inbound(t.apiKey, sample('dsn-hard-user-unknown.eml', { recipient: theirs.messages[1]!.email!, messageIdHeader: theirProviderId() }));
    expect(byRelayId).toMatchObject({ status: 200, body: { report: 'dsn', type: 'hard', matched: false, messageId: null, changed: false } });
    const byPersonalToken = await inbound(t.apiKey, sample('arf-abuse-complaint.eml', { unsubscribeUrl: `https://r.shop.example/u/${theirs.token(1, 'unsubscribe')}` }));
    expect(byPersonalToken.body).toMatchObject({ report: 'arf', type: 'complaint', matched: false, changed: false });
    // A campaign-level token of B's campaign: A's report does not even learn which campaign it was.
    const byCampaignToken = await inbound(t.apiKey, sample('arf-abuse-complaint.eml', { clickUrlQuotedPrintable: `https://r.shop.example/t/c/${theirs.token(0, 'click', 1)}` }));
    expect(byCampaignToken.body).toMatchObject({ matched: false, changed: false });
    expect(await stateOf(b.ctx, theirs.campaignId)).toEqual(before);

    const kept = (await t.api('GET', '/api/reports/unmatched?limit=3')).body.items;
    expect(kept.map((r: any) => [r.kind, r.campaignId])).toEqual([
      ['arf', null],
      ['arf', null],
      ['dsn', null],
    ]);

    // The same report from B's key matches B's message.
    const own = await inbound(b.key, sample('dsn-hard-user-unknown.eml', { recipient: theirs.messages[1]!.email!, messageIdHeader: theirProviderId() }));
    expect(own.body).toMatchObject({ matched: true, messageId: theirs.messages[1]!.id, changed: true, contactStatus: 'bounced' });
  });

  it('lists unmatched reports per workspace', async () => {
    const listed = async (api: ApiCall) => (await api('GET', '/api/reports/unmatched')).body;
    const a = await listed(t.api);
    expect(a.total).toBe(5);
    expect(a.items.map((r: any) => r.recipient)).toEqual(['redacted@mail.example.net', 'redacted@mail.example.net', theirs.messages[1]!.email, 'shared@example.org', theirs.messages[1]!.email]);
    expect(await listed(b.api)).toEqual({ total: 0, items: [], nextCursor: null });

    expect((await b.api('POST', '/api/webhooks/bounces', { email: 'stranger@example.org', type: 'hard' })).body).toMatchObject({ matched: false });
    expect((await listed(b.api)).items.map((r: any) => r.recipient)).toEqual(['stranger@example.org']);
    expect((await listed(t.api)).total).toBe(5);
    // Paging stays inside the workspace.
    const first = (await t.api('GET', '/api/reports/unmatched?limit=4')).body;
    const rest = (await t.api('GET', `/api/reports/unmatched?limit=4&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
    expect(rest).toMatchObject({ total: 5, items: [{ recipient: theirs.messages[1]!.email }], nextCursor: null });
  });

  it('takes reports from roles that edit, and lists them to every role', async () => {
    const viewer = await apiAs(t, 'viewer');
    expect(await viewer('POST', '/api/webhooks/bounces', { email: 'someone@example.org', type: 'hard' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const { key: viewerKey } = await createApiKey(t.ctx.store, 'inbound viewer', { workspaceId: t.ctx.workspaceId, role: 'viewer' });
    expect((await inbound(viewerKey, sample('dsn-hard-user-unknown.eml', { recipient: 'someone@example.org' }))).status).toBe(403);
    expect((await viewer('GET', '/api/reports/unmatched')).body.total).toBe(5);
    const editor = await apiAs(t, 'editor');
    expect(await editor('POST', '/api/webhooks/bounces', { email: 'someone@example.org', type: 'hard' })).toMatchObject({ status: 200, body: { matched: false } });
  });
});
