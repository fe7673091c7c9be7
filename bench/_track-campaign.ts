/**
 * The campaign the tracking benchmark loads, in exactly the state a real send leaves it:
 * contacts in a list, a 20-link newsletter created with createCampaign, sent with
 * sendCampaign by a real `ricochet worker` process to a local SMTP relay (its own process).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createCampaign } from '../src/campaigns/campaigns.js';
import { sendCampaign } from '../src/campaigns/sending.js';
import type { WorkspaceContext } from '../src/context.js';

const here = dirname(fileURLToPath(import.meta.url));

/** 20 tracked links, as a weekly newsletter has them. */
export const NEWSLETTER_LINKS = Array.from({ length: 20 }, (_, i) => `https://shop.example/journal/${i + 1}?utm_source=ricochet&utm_campaign=april`);

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>{{ campaign.name }}</title></head>
<body style="margin:0;background:#eef2f7"><table width="600" cellpadding="12" style="background:#fff;font:16px/1.5 Arial,sans-serif">
<tr><td><h1>Hello {{ contact.firstName | default: "there" }}, here is what is new</h1></td></tr>
${NEWSLETTER_LINKS.map((url, i) => `<tr><td><h3>Story ${i + 1}</h3><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p><p><a href="${url.replace(/&/g, '&amp;')}">Read more</a></p></td></tr>`).join('\n')}
<tr><td style="font-size:12px">Shop, 1 rue de la Paix, Paris. <a href="{{ view_online_url }}">View online</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></td></tr>
</table></body></html>`;

interface Relay {
  port: number;
  accepted(): Promise<number>;
  close(): void;
}

function startRelay(): Promise<Relay> {
  const child: ChildProcess = fork(join(here, '_smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) =>
    child.once('message', (m: { port: number }) =>
      resolve({
        port: m.port,
        accepted: () => new Promise((r) => (child.once('message', (a: { accepted: number }) => r(a.accepted)), child.send('count'))),
        close: () => child.kill(),
      }),
    ),
  );
}

/**
 * Seeds `recipients` contacts in a list, creates the newsletter and sends it through a real worker.
 * `env` is the environment a Ricochet process of this database runs with.
 */
export async function sendNewsletter(ctx: WorkspaceContext, env: Record<string, string>, recipients: number) {
  const db = ctx.store.db;
  const now = ctx.now();
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${recipients})
    insert into contacts (workspace_id, email, first_name, fields, email_status, created_at, updated_at)
    select ${ctx.workspaceId}, 'reader' || i || '@example.org', 'Reader' || i, '{}', 'subscribed', ${now}, ${now} from n`.execute(db);
  const list = await db.insertInto('lists').values({ workspace_id: ctx.workspaceId, name: 'Newsletter', created_at: now }).returning('id').executeTakeFirstOrThrow();
  await sql`insert into list_members (list_id, contact_id, added_at) select ${list.id}, id, ${now} from contacts where workspace_id = ${ctx.workspaceId}`.execute(db);
  const campaign = await createCampaign(ctx, {
    name: 'April newsletter',
    subject: '{{ contact.firstName | default: "Hello" }}, the April newsletter',
    fromEmail: 'news@shop.example',
    fromName: 'Shop',
    html: HTML,
    listIds: [list.id],
  });

  const relay = await startRelay();
  const worker = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'src', 'main.ts'), 'worker'], {
    env: { ...process.env, ...env, SMTP_URL: `smtp://127.0.0.1:${relay.port}?pool=8`, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = performance.now();
  try {
    await sendCampaign(ctx, campaign.id);
    for (;;) {
      const row = await db.selectFrom('campaigns').select(['status', 'status_reason']).where('id', '=', campaign.id).executeTakeFirstOrThrow();
      if (row.status === 'sent') break;
      if (row.status === 'paused') throw new Error(`the newsletter paused: ${row.status_reason}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const accepted = await relay.accepted();
    if (accepted !== recipients) throw new Error(`the relay accepted ${accepted} messages, expected ${recipients}`);
  } finally {
    await new Promise<void>((resolve) => (worker.once('exit', () => resolve()), worker.kill('SIGTERM')));
    relay.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const messages = await db.selectFrom('messages').select(['id', 'status']).where('campaign_id', '=', campaign.id).orderBy('id').execute();
  const delivered = messages.filter((m) => m.status === 'delivered').length;
  if (delivered !== recipients) throw new Error(`${delivered} of ${recipients} messages delivered`);
  const links = await db.selectFrom('links').select(['id', 'position', 'kind']).where('campaign_id', '=', campaign.id).orderBy('position').execute();
  return { campaignId: campaign.id, messageIds: messages.map((m) => m.id), links, seconds };
}
