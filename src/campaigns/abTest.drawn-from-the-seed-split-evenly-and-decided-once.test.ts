import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { apiAs } from '../../test/support/workspaces.js';
import { compileEmailCampaign } from '../delivery/compile.js';
import { startScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { verifyToken } from '../tracking/tokens.js';
import { dealVariants, decideDueTests, WAITING_FOR_WINNER } from './abTest.js';
import type { AbTest } from './schemas.js';

const RECIPIENTS = 101;
const GROUP = Math.round(RECIPIENTS * 0.2);
const M = 2_147_483_648n;

/** The rank abTest.ts computes in SQL, in JavaScript: the draw must be the same on both databases and from one run to the next. */
function rank(contactId: number, seed: number): bigint {
  const s = BigInt(seed);
  const round = (x: bigint) => ((x * x) / 32768n + x * 69069n + s) % M;
  return round(round(((BigInt(contactId) % M) * 1103515245n + s) % M));
}

const AB: AbTest = {
  variants: [
    { key: 'A', subject: 'Sale A' },
    { key: 'B', subject: 'Sale B', html: '<p>B</p><a href="https://shop.test/b">B deals</a>' },
  ],
  testPercent: 20,
  waitMinutes: 5,
};

const until = async (what: () => Promise<boolean>, label: string) => {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${label}`);
};

describeEachDatabase('an A/B campaign', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sender: Scheduler | undefined;
  let list: number;
  let contactIds: number[];

  const variants = async (id: number) =>
    new Map(
      (await t.ctx.store.db.selectFrom('messages').select(['contact_id', 'variant', 'next_attempt_at']).where('campaign_id', '=', id).execute()).map((m) => [
        m.contact_id,
        m,
      ]),
    );
  const row = (id: number) => t.ctx.store.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const abCampaign = async (name: string, test: AbTest = AB) =>
    (await t.api('POST', '/api/campaigns', { name, subject: 'Sale', fromEmail: 'news@shop.test', html: '<a href="https://shop.test/a">Deals</a>', text: 'Deals: https://shop.test/a', listIds: [list], abTest: test }))
      .body.id as number;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: `${sink.url}?pool=2` });
    list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    const now = Date.now();
    const contacts = await t.ctx.store.db
      .insertInto('contacts')
      .values(Array.from({ length: RECIPIENTS }, (_, i) => ({ workspace_id: t.ctx.workspaceId, email: `c${i}@example.test`, fields: t.ctx.store.dialect.writeJson({}), created_at: now, updated_at: now })))
      .returning('id')
      .execute();
    contactIds = contacts.map((c) => c.id);
    await t.ctx.store.db.insertInto('list_members').values(contactIds.map((id) => ({ list_id: list, contact_id: id, added_at: now }))).execute();
  });
  afterAll(async () => {
    await sender?.stop();
    await t.close();
    await sink.close();
  });

  it('draws testPercent % of the queued at random from a kept seed, dealt evenly, while the rest wait', async () => {
    const id = await abCampaign('Draw');
    const sent = await t.api('POST', `/api/campaigns/${id}/send`, {});
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sending');
    expect(sent.body.ab).toMatchObject({ status: 'testing', winner: null, decidedAt: null });
    expect(sent.body.statusReason).toBe(`A/B test: the winner is chosen at ${sent.body.ab.decideAt}`);
    expect(Date.parse(sent.body.ab.decideAt) - Date.parse(sent.body.sentAt)).toBe(5 * 60_000);
    expect(sent.body.abTest.criterion).toBe('humanClickRate');

    const campaign = await row(id);
    const seed = Number(campaign.ab_seed);
    const drawn = await variants(id);
    const group = [...drawn.values()].filter((m) => m.variant !== null);
    expect(group.length).toBe(GROUP);
    expect(group.filter((m) => m.variant === 'A').length).toBe(GROUP / 2);
    expect(group.filter((m) => m.variant === 'B').length).toBe(GROUP / 2);
    // The same ranking as the reference: the lowest ranks, dealt A, B, A, B…
    const expected = [...contactIds].sort((a, b) => Number(rank(a, seed) - rank(b, seed)) || a - b).slice(0, GROUP);
    expect(group.map((m) => m.contact_id).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expected.forEach((contactId, i) => expect(drawn.get(contactId)!.variant).toBe(i % 2 ? 'B' : 'A'));
    // Not the first ids: spread over the list.
    expect(expected.filter((c) => c <= contactIds[GROUP - 1]!).length).toBeLessThan(GROUP / 2);
    for (const m of drawn.values()) expect(Number(m.next_attempt_at) === WAITING_FOR_WINNER).toBe(m.variant === null);

    // Drawn again from the kept seed: the same people get the same variants.
    await t.ctx.store.db.updateTable('messages').set({ variant: null }).where('campaign_id', '=', id).execute();
    await dealVariants(t.ctx.store.db, id, seed, AB);
    const again = await variants(id);
    for (const [contactId, m] of drawn) expect(again.get(contactId)!.variant, `contact ${contactId}`).toBe(m.variant);
    await t.api('POST', `/api/campaigns/${id}/cancel`);
  });

  it('numbers each variant’s links after the previous one’s and renders each recipient’s own', async () => {
    const id = await abCampaign('Links');
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    const compiled = await compileEmailCampaign(t.ctx, await row(id), { dkim: false });
    const links = await t.ctx.store.db.selectFrom('links').select(['position', 'url', 'kind', 'variant']).where('campaign_id', '=', id).orderBy('position').execute();
    expect(links).toEqual([
      { position: 1, url: 'https://shop.test/a', kind: 'link', variant: 'A' },
      { position: 2, url: `${t.ctx.config.publicUrl}/`, kind: 'honeypot', variant: 'A' },
      { position: 3, url: 'https://shop.test/b', kind: 'link', variant: 'B' },
      { position: 4, url: `${t.ctx.config.publicUrl}/`, kind: 'honeypot', variant: 'B' },
    ]);
    const recipient = { messageId: 7, campaignId: id, contactId: 1, email: 'x@example.test', phone: null, firstName: null, lastName: null, fields: {}, trackingConsent: true };
    const positions = (html: string) => [...html.matchAll(/\/t\/c\/([\w.-]+)/g)].map((m) => verifyToken(t.ctx.secret, m[1]!)!.link).sort();
    const a = compiled.render({ ...recipient, variant: 'A' });
    const b = compiled.render({ ...recipient, variant: 'B' });
    expect([a.subject, b.subject]).toEqual(['Sale A', 'Sale B']);
    expect(positions(a.html)).toEqual([1, 2]);
    expect(positions(b.html)).toEqual([3, 4]);
    expect(b.html).toContain('<p>B</p>');
    // A's text part is the campaign's own; B's is made from B's HTML.
    expect(a.text).toContain('Deals:');
    expect(b.text).toMatch(/^B\n\nB deals \[\S+\/t\/c\/\S+\]/);
    // A test send or a preview (no variant) is variant A.
    expect(compiled.render(recipient).subject).toBe('Sale A');
    await t.api('POST', `/api/campaigns/${id}/cancel`);
  });

  it('sends the test group, lets only the send right pick the winner once, and the rest get it without a variant changing', async () => {
    const id = await abCampaign('Pick');
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    sender = startScheduler(t.ctx, { idleMs: 20 });
    const before = sink.accepted;
    await until(async () => sink.accepted - before >= GROUP, 'the test group');
    const drawn = await variants(id);

    expect((await t.api('POST', `/api/campaigns/${id}/ab/winner`, { variant: 'C' })).body.error).toMatchObject({ code: 'bad_request', path: '$.variant' });
    const editor = await apiAs(t, 'editor');
    expect((await editor('POST', `/api/campaigns/${id}/ab/winner`, { variant: 'B' })).status).toBe(403);
    expect((await row(id)).ab_status).toBe('testing');

    const picked = await t.api('POST', `/api/campaigns/${id}/ab/winner`, { variant: 'B' });
    expect(picked.status).toBe(200);
    expect(picked.body.ab).toMatchObject({ status: 'decided', winner: 'B', reason: 'Chosen by test' });
    expect(picked.body.statusReason).toBeNull();
    const again = await t.api('POST', `/api/campaigns/${id}/ab/winner`, { variant: 'A' });
    expect(again.status).toBe(409);
    expect((await row(id)).ab_winner).toBe('B');
    const audit = await t.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.ab_winner').where('object_id', '=', id).execute();
    expect(audit.length).toBe(1);

    await until(async () => (await row(id)).status === 'sent', 'the campaign to be sent');
    await until(async () => (await row(id)).ab_status === 'sent', 'the test to be sent');
    const after = await variants(id);
    for (const [contactId, m] of drawn) if (m.variant) expect(after.get(contactId)!.variant).toBe(m.variant);
    expect([...after.values()].filter((m) => m.variant === 'B').length).toBe(RECIPIENTS - GROUP / 2);
    // The variants' figures stay the test group's: the rest who got B are not B's.
    const stats = (await t.api('GET', `/api/campaigns/${id}/stats`)).body;
    expect(stats.variants.map((v: { key: string; sent: number }) => [v.key, v.sent])).toEqual([['A', GROUP / 2], ['B', GROUP / 2]]);
    expect(stats.sent).toBe(RECIPIENTS);

    // Each address got one message, of its own variant.
    const mine = sink.messages.slice(before);
    expect(mine.length).toBe(RECIPIENTS);
    const subjects = new Map<string, string>();
    for (const message of mine) {
      expect(subjects.has(message.to), message.to).toBe(false);
      subjects.set(message.to, (await simpleParser(message.raw)).subject!);
    }
    const contacts = new Map((await t.ctx.store.db.selectFrom('contacts').select(['id', 'email']).execute()).map((c) => [c.email, c.id]));
    for (const [to, subject] of subjects) expect(subject).toBe(`Sale ${after.get(contacts.get(to)!)!.variant}`);

    // A later tick decides nothing again.
    const decidedAt = (await row(id)).ab_decided_at;
    t.clock.advance(60 * 60_000);
    expect(await decideDueTests(t.ctx)).toBe(0);
    expect((await row(id)).ab_decided_at).toBe(decidedAt);
    t.clock.real();

    // A relaunch runs no new test: each recipient gets the variant they had.
    const relaunched = await t.api('POST', `/api/campaigns/${id}/actions/relaunch`, {});
    expect(relaunched.body.campaign.audienceFilter).toBeNull();
    expect(relaunched.status).toBe(201);
    const copy = relaunched.body.campaign;
    expect(copy.abTest.variants.map((v: { subject: string }) => v.subject)).toEqual(['Sale A', 'Sale B']);
    expect(copy.ab).toMatchObject({ status: 'sent', winner: 'B' });
    expect((await t.api('POST', `/api/campaigns/${copy.id}/send`, {})).body.statusReason).toBeNull();
    const kept = await variants(copy.id);
    expect(kept.size).toBe(RECIPIENTS);
    for (const [contactId, m] of after) expect(kept.get(contactId)!.variant).toBe(m.variant);
    expect([...kept.values()].every((m) => Number(m.next_attempt_at) !== WAITING_FOR_WINNER)).toBe(true);
    await until(async () => (await row(copy.id)).status === 'sent', 'the relaunch to be sent');
    await sender.stop();
    sender = undefined;
  });

  it('decides at its time on the tick, also while paused, and never once cancelled', async () => {
    const paused = await abCampaign('Paused');
    const cancelled = await abCampaign('Cancelled');
    for (const id of [paused, cancelled]) await t.api('POST', `/api/campaigns/${id}/send`, {});
    await t.api('POST', `/api/campaigns/${paused}/pause`);
    await t.api('POST', `/api/campaigns/${cancelled}/cancel`);
    expect(await decideDueTests(t.ctx)).toBe(0);
    t.clock.advance(5 * 60_000 + 1);
    try {
      expect(await decideDueTests(t.ctx)).toBe(1);
    } finally {
      t.clock.real();
    }
    const decided = await row(paused);
    expect(decided).toMatchObject({ status: 'paused', ab_status: 'decided', ab_winner: 'A', status_reason: 'Paused by a user' });
    const waiting = [...(await variants(paused)).values()];
    expect(waiting.every((m) => m.variant !== null && Number(m.next_attempt_at) < WAITING_FOR_WINNER)).toBe(true);
    expect((await row(cancelled)).ab_status).toBe('testing');
    expect((await t.api('POST', `/api/campaigns/${cancelled}/ab/winner`, { variant: 'B' })).status).toBe(409);
    expect((await t.api('POST', `/api/campaigns/${paused}/ab/winner`, { variant: 'B' })).status).toBe(409);
  });
});
