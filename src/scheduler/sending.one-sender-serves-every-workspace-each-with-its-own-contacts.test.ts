import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { addContact, addList } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtpSink.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { startScheduler } from './scheduler.js';

describeEachDatabase('one sender for every workspace', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("sends each workspace's campaign to its own contacts, with their own subscription state, and finishes each", async () => {
    const b = await addWorkspace(t);
    const aList = await addList(t.ctx, 'A');
    const bList = await addList(b.ctx, 'B');
    // The same people in both workspaces; Ada left A's mailing but not B's.
    await addContact(t.ctx, { email: 'ada@example.test', listIds: [aList] });
    await t.ctx.store.db.updateTable('contacts').set({ email_status: 'unsubscribed' }).where('workspace_id', '=', t.ctx.workspaceId).where('email', '=', 'ada@example.test').execute();
    await addContact(t.ctx, { email: 'bob@example.test', listIds: [aList] });
    await addContact(b.ctx, { email: 'ada@example.test', firstName: 'Ada', listIds: [bList] });
    await addContact(b.ctx, { email: 'bob@example.test', firstName: 'Bob', listIds: [bList] });
    await addContact(b.ctx, { email: 'cy@example.test', firstName: 'Cy', listIds: [bList] });

    const campaign = { subject: 'Hello {{ contact.firstName | default: "there" }}', html: '<p>Hi</p>' };
    const a = (await t.api('POST', '/api/campaigns', { ...campaign, name: 'A news', fromEmail: 'news@a.test', listIds: [aList] })).body.id;
    const bId = (await b.api('POST', '/api/campaigns', { ...campaign, name: 'B news', fromEmail: 'news@b.test', listIds: [bList] })).body.id;
    expect((await t.api('POST', `/api/campaigns/${a}/send`, {})).status).toBe(200);
    expect((await b.api('POST', `/api/campaigns/${bId}/send`, {})).status).toBe(200);

    const sender = startScheduler(t.ctx, { idleMs: 10 });
    try {
      for (let i = 0; i < 800; i++) {
        const [sa, sb] = await Promise.all([t.api('GET', `/api/campaigns/${a}`), b.api('GET', `/api/campaigns/${bId}`)]);
        if (sa.body.status === 'sent' && sb.body.status === 'sent') break;
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await sender.stop();
    }
    expect((await t.api('GET', `/api/campaigns/${a}`)).body.status).toBe('sent');
    expect((await b.api('GET', `/api/campaigns/${bId}`)).body.status).toBe('sent');
    expect((await t.api('GET', `/api/campaigns/${a}/progress`)).body).toMatchObject({ total: 2, delivered: 1, skipped: 1 });
    expect((await b.api('GET', `/api/campaigns/${bId}/progress`)).body).toMatchObject({ total: 3, delivered: 3, skipped: 0 });

    const received = sink.messages.map((m) => {
      const raw = m.raw.toString();
      return `${/^From: (.*)\r$/m.exec(raw)?.[1]} → ${m.to}: ${/^Subject: (.*)\r$/m.exec(raw)?.[1]}`;
    });
    expect(received.sort()).toEqual([
      'news@a.test → bob@example.test: Hello there',
      'news@b.test → ada@example.test: Hello Ada',
      'news@b.test → bob@example.test: Hello Bob',
      'news@b.test → cy@example.test: Hello Cy',
    ]);
  });
});
