import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import type { WorkspaceContext } from '../context.js';
import { createOutboxChannel, outboxDir } from './channels/outbox.js';
import { DeliveryPipeline } from './pipeline.js';
import { RETRY_POLICY } from './retry.js';

/** A campaign of the workspace, its audience already queued as the sender finds it once sending started. */
async function queuedCampaign(ctx: WorkspaceContext, subject: string, emails: string[]): Promise<number> {
  const { db, dialect } = ctx.store;
  const now = ctx.now();
  const contacts = await db
    .insertInto('contacts')
    .values(emails.map((email) => ({ workspace_id: ctx.workspaceId, email, fields: dialect.writeJson({}), created_at: now, updated_at: now })))
    .returning('id')
    .execute();
  const { id } = await db
    .insertInto('campaigns')
    .values({ workspace_id: ctx.workspaceId, channel: 'email', name: subject, status: 'sending', subject, from_email: 'news@shop.test', html: `<p>${subject}</p>`, list_ids: dialect.writeJson([]), sent_at: now, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('messages').values(contacts.map((c) => ({ campaign_id: id, contact_id: c.id }))).execute();
  return id;
}

/** Runs the delivery pipeline over the campaign until nothing is queued (the sender's steps, without its loop). */
async function sendAll(ctx: WorkspaceContext, campaignId: number): Promise<void> {
  const pipeline = new DeliveryPipeline(ctx, { ...RETRY_POLICY, batchSize: 50, writeEvery: 10 });
  try {
    const campaign = await ctx.store.db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirstOrThrow();
    for (let leased = await pipeline.lease(campaign); leased; leased = await pipeline.lease(campaign)) {
      const batch = await pipeline.render(leased);
      if ('pause' in batch) throw new Error(batch.pause);
      const paused = await pipeline.send(batch, { stillSending: async () => true, underWay: () => {} });
      if (paused) throw new Error(paused.pause);
    }
  } finally {
    await pipeline.close();
  }
}

describeEachDatabase('the outbox of each workspace', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
  let b: Awaited<ReturnType<typeof addWorkspace>>;
  const subjects = (body: { items: Array<{ subject: string }> }) => body.items.map((item) => item.subject).sort();
  const nameOf = async (api: typeof t.api, subject: string) => (await api('GET', '/api/outbox')).body.items.find((item: any) => item.subject === subject)?.name as string;

  beforeAll(async () => {
    b = await addWorkspace(t);
    // The same address is a contact of both workspaces: each sends it its own mail.
    await sendAll(t.ctx, await queuedCampaign(t.ctx, 'News from A', ['ada@example.test', 'alan@example.test']));
    await sendAll(b.ctx, await queuedCampaign(b.ctx, 'News from B', ['ada@example.test']));
  });

  it('lists to each workspace only the copies of its own mail', async () => {
    const a = await t.api('GET', '/api/outbox');
    expect(a.status).toBe(200);
    expect(a.body.total).toBe(2);
    expect(subjects(a.body)).toEqual(['News from A', 'News from A']);
    expect(a.body.items.map((item: any) => item.to).sort()).toEqual(['ada@example.test', 'alan@example.test']);
    const other = await b.api('GET', '/api/outbox');
    expect(other.body).toMatchObject({ total: 1, items: [{ to: 'ada@example.test', subject: 'News from B' }] });
    // Its name says whose copy it is.
    expect(other.body.items[0].name).toMatch(new RegExp(`-w${b.workspaceId}-\\d+-[0-9a-f]{6}\\.eml$`));
  });

  it("answers another workspace's copy as a missing one, raw or shown", async () => {
    const theirs = await nameOf(b.api, 'News from B');
    const missing = theirs.replace(`-w${b.workspaceId}-`, `-w${t.ctx.workspaceId}-`);
    for (const query of ['', '?format=json']) {
      const refused = await t.api('GET', `/api/outbox/${theirs}${query}`);
      const absent = await t.api('GET', `/api/outbox/${missing}${query}`);
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual(absent.body);
      expect(refused.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
    const own = await b.api('GET', `/api/outbox/${theirs}?format=json`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ to: 'ada@example.test', subject: 'News from B' });
    const raw = await fetch(`${t.baseUrl}/api/outbox/${theirs}`, { headers: { authorization: `Bearer ${b.key}` } });
    expect(raw.status).toBe(200);
    expect(await raw.text()).toContain('Subject: News from B');
  });

  it('keeps copies written before workspaces in the first workspace', async () => {
    const name = '2026-01-01T00-00-00-000Z-000001-0-a1b2c3.eml';
    writeFileSync(join(outboxDir(t.ctx.config), name), 'From: news@shop.test\r\nTo: old@example.test\r\nSubject: Before workspaces\r\n\r\nHello\r\n');
    expect(subjects((await t.api('GET', '/api/outbox')).body)).toContain('Before workspaces');
    expect(subjects((await b.api('GET', '/api/outbox')).body)).toEqual(['News from B']);
    expect((await t.api('GET', `/api/outbox/${name}?format=json`)).status).toBe(200);
    expect((await b.api('GET', `/api/outbox/${name}?format=json`)).status).toBe(404);
  });

  it('shows mail for managers (an invitation and its link) to no role below admin', async () => {
    const channel = createOutboxChannel(t.ctx.config);
    const invitation = { name: null, address: 'team@shop.test' };
    await channel.send({ kind: 'email', workspaceId: t.ctx.workspaceId, messageId: 0, managersOnly: true, to: 'new@shop.test', from: invitation, replyTo: null, subject: 'Join the team', html: '<p>Join</p>', text: 'Join', headers: {} });
    const name = await nameOf(t.api, 'Join the team');
    expect(name).toMatch(new RegExp(`-w${t.ctx.workspaceId}-manage-[0-9a-f]{6}\\.eml$`));
    for (const role of ['editor', 'viewer'] as const) {
      const api = await apiAs(t, role);
      const listed = await api('GET', '/api/outbox');
      expect(listed.status).toBe(200);
      expect(subjects(listed.body)).toEqual(['Before workspaces', 'News from A', 'News from A']);
      expect((await api('GET', `/api/outbox/${name}`)).status).toBe(404);
    }
    expect((await (await apiAs(t, 'admin'))('GET', `/api/outbox/${name}?format=json`)).body).toMatchObject({ to: 'new@shop.test', subject: 'Join the team' });
    // Only its own workspace's managers.
    expect((await b.api('GET', `/api/outbox/${name}`)).status).toBe(404);
  });
});
