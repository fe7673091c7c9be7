import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { addSendingDomain, addWorkspace, dkimKeyPair } from '../../test/support/workspaces.js';
import type { WorkspaceContext } from '../context.js';
import { signingKeyFor } from '../domains/domains.js';
import type { RenderedEmail } from './channel.js';
import { createOutboxChannel, outboxDir } from './channels/outbox.js';
import { DeliveryPipeline } from './pipeline.js';
import { RETRY_POLICY } from './retry.js';

const instance = dkimKeyPair();
const shopA = dkimKeyPair();
const shopB = dkimKeyPair();

/** The DNS a receiver would query: each key's record at <selector>._domainkey.<domain>. */
const records = new Map([
  ['default._domainkey.ricochet.test', instance.p],
  ['a2026._domainkey.shop-a.test', shopA.p],
  ['b2026._domainkey.shop-b.test', shopB.p],
]);
const resolver = async (name: string, type: string) => {
  const p = records.get(name);
  if (type === 'TXT' && p) return [[`v=DKIM1; k=rsa; p=${p}`]];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};
const signatures = async (raw: Buffer) =>
  (await dkimVerify(raw, { resolver })).results.map((r: any) => ({ result: r.status.result, domain: r.signingDomain, selector: r.selector }));

/** A campaign of the workspace from `fromEmail`, with one queued message to `to`, sent through the delivery pipeline; answers why it paused, if it did. */
async function send(ctx: WorkspaceContext, fromEmail: string, to: string): Promise<string | undefined> {
  const { db, dialect } = ctx.store;
  const now = ctx.now();
  const contact = await db
    .insertInto('contacts')
    .values({ workspace_id: ctx.workspaceId, email: to, fields: dialect.writeJson({}), created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const campaign = await db
    .insertInto('campaigns')
    .values({ workspace_id: ctx.workspaceId, channel: 'email', name: fromEmail, status: 'sending', subject: `From ${fromEmail}`, from_email: fromEmail, html: '<p>Hello</p>', list_ids: dialect.writeJson([]), sent_at: now, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db.insertInto('messages').values({ campaign_id: campaign.id, contact_id: contact.id }).execute();
  const pipeline = new DeliveryPipeline(ctx, { ...RETRY_POLICY, batchSize: 10, writeEvery: 10 });
  try {
    const batch = await pipeline.render((await pipeline.lease(campaign))!);
    if ('pause' in batch) return batch.pause;
    return (await pipeline.send(batch, { stillSending: async () => true, underWay: () => {} }))?.pause;
  } finally {
    await pipeline.close();
  }
}

const INSTANCE_DKIM = { DKIM_DOMAIN: 'ricochet.test', DKIM_SELECTOR: 'default', DKIM_PRIVATE_KEY: instance.pem };

describeEachDatabase('DKIM: each workspace signs with its sending domain', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let unreadable: string | undefined;
  const received = (to: string) => sink.messages.find((m) => m.to === to)!.raw;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url, ...INSTANCE_DKIM });
    const b = await addWorkspace(t);
    await addSendingDomain(t.ctx, 'shop-a.test', 'a2026', shopA);
    await addSendingDomain(b.ctx, 'shop-b.test', 'b2026', shopB);
    await addSendingDomain(t.ctx, 'restored.test', 'r2026', shopA, Buffer.from('the SECRET of another instance, long enough'));
    expect(await send(t.ctx, 'news@shop-a.test', 'ada@example.test')).toBeUndefined();
    expect(await send(b.ctx, 'news@Shop-B.test', 'bob@example.test')).toBeUndefined();
    // shop-a.test is not B's domain: A's key never signs B's mail.
    expect(await send(b.ctx, 'news@shop-a.test', 'carol@example.test')).toBeUndefined();
    expect(await send(t.ctx, 'news@elsewhere.test', 'dan@example.test')).toBeUndefined();
    unreadable = await send(t.ctx, 'news@restored.test', 'eve@example.test');
    await sink.waitFor(4);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("signs a campaign's mail with the key of its workspace's domain, and the signature verifies against that domain's record", async () => {
    expect(await signatures(received('ada@example.test'))).toEqual([{ result: 'pass', domain: 'shop-a.test', selector: 'a2026' }]);
    expect(await signatures(received('bob@example.test'))).toEqual([{ result: 'pass', domain: 'shop-b.test', selector: 'b2026' }]);
  });

  it("signs with the instance's DKIM_* key where the workspace has no domain of the From address", async () => {
    expect(await signatures(received('carol@example.test'))).toEqual([{ result: 'pass', domain: 'ricochet.test', selector: 'default' }]);
    expect(await signatures(received('dan@example.test'))).toEqual([{ result: 'pass', domain: 'ricochet.test', selector: 'default' }]);
  });

  it('sends nothing unsigned when the domain has a key that cannot be read: the campaign pauses, saying why', async () => {
    expect(unreadable).toMatch(/^The campaign could not be prepared: The DKIM key of restored\.test \(selector r2026\) cannot be read/);
    expect(sink.messages.map((m) => m.to)).not.toContain('eve@example.test');
  });

  it("signs an outbox copy with the message's key, else the instance's", async () => {
    const channel = createOutboxChannel(t.ctx.config);
    const message = (to: string, dkim?: RenderedEmail['dkim']): RenderedEmail => ({
      kind: 'email',
      workspaceId: t.ctx.workspaceId,
      messageId: 0,
      to,
      from: { name: null, address: 'news@shop-a.test' },
      replyTo: null,
      subject: 'Copy',
      html: '<p>Copy</p>',
      text: 'Copy',
      headers: {},
      dkim,
    });
    await channel.send(message('signed@example.test', await signingKeyFor(t.ctx, t.ctx.workspaceId, 'news@shop-a.test')));
    await channel.send(message('default@example.test'));
    const copies = readdirSync(outboxDir(t.ctx.config)).map((name) => readFileSync(join(outboxDir(t.ctx.config), name)));
    const copyTo = (to: string) => copies.find((raw) => raw.toString('latin1').includes(`To: ${to}`))!;
    expect(await signatures(copyTo('signed@example.test'))).toEqual([{ result: 'pass', domain: 'shop-a.test', selector: 'a2026' }]);
    expect(await signatures(copyTo('default@example.test'))).toEqual([{ result: 'pass', domain: 'ricochet.test', selector: 'default' }]);
  });
});
