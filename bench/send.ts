/**
 * npm run bench -- send [--recipients=100000] [--materialize=1000000]
 *                       [--serve-recipients=20000] [--rounds=3] [--only=serve] [--cpu-prof=DIR] [--compare=MAIN_JS]
 *
 * 1. Sending: a campaign of N personalised, tracked recipients sent by a real
 *    `ricochet worker` process (the compiled dist/server/main.js, built first when
 *    out of date) to a local smtp-server sink (own process), beside
 *    raw pooled nodemailer sending that campaign's message, rendered once, N times
 *    to the same sink in the same run, with the same connections and messages in flight.
 *    Three campaigns: the hand-written sale email, a hand-written newsletter of 20
 *    links, and a designed newsletter of 20 links (created with its design, the HTML
 *    compiled by Ricochet as for any designed campaign).
 *    The worker's peak RSS is read from /proc (VmHWM).
 * 2. Materialising an audience of M contacts into messages, beside a bare
 *    INSERT … SELECT of the same rows into the same table.
 * 3. The default start: the hand-written 20-link newsletter sent to --serve-recipients
 *    by `ricochet serve` (API and sender in one process, as `npm start` runs it,
 *    compiled dist) with `SMTP_URL` `?pool=8`, interleaved round after round with raw
 *    pooled nodemailer (8 connections, 16 in flight) sending the newsletter's HTML and
 *    text as written (merged for one contact, links untouched) and the same message
 *    tracked (what one recipient's rendering weighs: tracked links, pixel,
 *    unsubscribe). Each Ricochet round's ratio is to the mean of the raw runs just
 *    before and after it. `--only=serve` runs this case alone; `--cpu-prof=DIR` writes
 *    a CPU profile of each serving process there; `--compare=MAIN_JS` (another build's
 *    dist/server/main.js, e.g. a worktree of an earlier commit) serves each round a
 *    second time with that build, so that before and after are measured in one run.
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { createCampaign } from '../src/campaigns/campaigns.js';
import type { CampaignCreate } from '../src/campaigns/schemas.js';
import { sendCampaign, startCampaign } from '../src/campaigns/sending.js';
import { loadConfig } from '../src/config.js';
import { openStore, type Store } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { mailOptions } from '../src/delivery/channels/smtp.js';
import { compileEmailTemplate, renderEmail, trackedUrls, UNTRACKED } from '../src/delivery/render/email.js';
import { inWorkspace, Jobs } from '../src/context.js';
import { compileDesign } from '../src/designs/compile.js';
import type { Block, Design } from '../src/designs/schema.js';
import { signer } from '../src/tracking/tokens.js';
import { freshDatabase, type DatabaseKind } from '../test/support/databases.js';
import { ensureServerBuild } from '../web/build.js';

const POOL = 5;
const IN_FLIGHT = POOL * 2;

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>{{ campaign.name }}</title></head>
<body style="margin:0;background:#f4f4f5">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="600" cellpadding="24" style="background:#fff;font:16px/1.5 Arial,sans-serif;color:#111">
<tr><td><a href="https://shop.example/"><img src="https://cdn.shop.example/logo.png" alt="Shop" width="120"></a></td></tr>
<tr><td><h1>Hello {{ contact.firstName | default: "there" }},</h1>
<p>Spring is here and so is our biggest sale of the season. Everything in {{ contact.fields.city | default: "your city" }} ships free this week.</p>
<p><a href="https://shop.example/sale?utm_source=email&amp;utm_campaign=spring" style="background:#e11d48;color:#fff;padding:12px 20px;text-decoration:none">Shop the sale</a></p>
<p>New this week: <a href="https://shop.example/new">new arrivals</a>, <a href="https://shop.example/bestsellers">best sellers</a> and <a href="https://shop.example/gift-cards">gift cards</a>.</p>
${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.</p>\n'.repeat(8)}
<p>Questions? <a href="mailto:help@shop.example">Write to us</a>. <a href="{{ view_online_url }}">View online</a></p>
<p style="font-size:12px;color:#666">Shop, 1 rue de la Paix, Paris. <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
</td></tr></table></td></tr></table></body></html>`;

const CAMPAIGN = { name: 'Spring sale', subject: '{{ contact.firstName | default: "Hi" }}, our spring sale starts now', fromEmail: 'news@shop.example', fromName: 'Shop', preheader: 'Up to 50% off', html: HTML };

/** 20 distinct tracked links: 2 images, 4 in text, 6 buttons, a list of 6, 2 social. */
const ARTICLES = ['linen', 'workshop', 'repairs', 'market', 'recipes', 'stories'];
const LIST = ['bags', 'aprons', 'towels', 'shirts', 'gift-cards', 'sale'];
const NEWSLETTER_SUBJECT = '{{ contact.firstName | default: "Hello" }}, the April newsletter';

const DESIGN: Design = {
  version: 1,
  style: { width: 600, backgroundColor: '#eef2f7', linkColor: '#0f766e' },
  rows: [
    { columns: [{ blocks: [{ type: 'image', src: 'https://cdn.shop.example/logo.png', alt: 'Shop', href: 'https://shop.example/', width: 160 }] }] },
    {
      columns: [
        {
          blocks: [
            { type: 'image', src: 'https://cdn.shop.example/hero.png', alt: 'April at the shop', href: 'https://shop.example/journal' },
            { type: 'heading', text: 'Hello {{ contact.firstName | default: "there" }}, here is what is new' },
            {
              type: 'text',
              html:
                '<p>Spring has reached {{ contact.fields.city | default: "your city" }}: see <a href="https://shop.example/new">what is new</a>, ' +
                '<a href="https://shop.example/bestsellers">the best sellers</a>, <a href="https://shop.example/journal/april">the journal</a> ' +
                'and <a href="https://shop.example/stores">our shops</a>.</p>',
            },
          ],
        },
      ],
    },
    ...[0, 2, 4].map((i) => ({
      columns: [ARTICLES[i]!, ARTICLES[i + 1]!].map((article) => ({
        blocks: [
          { type: 'heading', level: 3, text: `The ${article} story` },
          { type: 'text', html: '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>' },
          { type: 'button', label: 'Read more', href: `https://shop.example/journal/${article}` },
        ] satisfies Block[],
      })),
    })),
    { columns: [{ blocks: [{ type: 'text', html: `<ul>${LIST.map((item) => `<li><a href="https://shop.example/${item}">All ${item}</a></li>`).join('')}</ul>` }] }] },
    {
      columns: [
        {
          blocks: [
            { type: 'social', links: [{ network: 'instagram', href: 'https://instagram.example/shop' }, { network: 'facebook', href: 'https://facebook.example/shop' }] },
            { type: 'footer', text: 'Shop, 1 rue de la Paix, Paris' },
          ],
        },
      ],
    },
  ],
};

/** The same newsletter written by hand: the same 20 links and merge tags, in plain tables. */
const HAND_WRITTEN = `<!doctype html><html><head><meta charset="utf-8"><title>{{ campaign.name }}</title></head>
<body style="margin:0;background:#eef2f7">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="600" cellpadding="12" style="background:#fff;font:16px/1.5 Arial,sans-serif;color:#1f2937">
<tr><td colspan="2"><a href="https://shop.example/"><img src="https://cdn.shop.example/logo.png" alt="Shop" width="160"></a></td></tr>
<tr><td colspan="2"><a href="https://shop.example/journal"><img src="https://cdn.shop.example/hero.png" alt="April at the shop" width="552"></a>
<h1>Hello {{ contact.firstName | default: "there" }}, here is what is new</h1>
<p>Spring has reached {{ contact.fields.city | default: "your city" }}: see <a href="https://shop.example/new">what is new</a>, <a href="https://shop.example/bestsellers">the best sellers</a>, <a href="https://shop.example/journal/april">the journal</a> and <a href="https://shop.example/stores">our shops</a>.</p></td></tr>
${[0, 2, 4]
  .map((i) => `<tr>${[ARTICLES[i], ARTICLES[i + 1]].map((article) => `<td width="50%" valign="top"><h3>The ${article} story</h3><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p><p><a href="https://shop.example/journal/${article}" style="background:#0f766e;color:#fff;padding:12px 24px;text-decoration:none">Read more</a></p></td>`).join('')}</tr>`)
  .join('\n')}
<tr><td colspan="2"><ul>${LIST.map((item) => `<li><a href="https://shop.example/${item}">All ${item}</a></li>`).join('')}</ul></td></tr>
<tr><td colspan="2" align="center"><a href="https://instagram.example/shop">Instagram</a> · <a href="https://facebook.example/shop">Facebook</a>
<p style="font-size:12px;color:#6b7280">Shop, 1 rue de la Paix, Paris<br><a href="{{ view_online_url }}">View online</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></p></td></tr>
</table></td></tr></table></body></html>`;

/** A case: what the campaign is created with, and the HTML it then sends (the design compiled, for the designed one). */
interface Case {
  label: string;
  input: Omit<CampaignCreate, 'listIds'>;
  html: string;
}

async function cases(): Promise<Case[]> {
  const newsletter = { name: 'April newsletter', subject: NEWSLETTER_SUBJECT, fromEmail: 'news@shop.example', fromName: 'Shop', preheader: 'Twenty things to read' };
  const all: Case[] = [
    { label: 'hand-written sale email', input: CAMPAIGN, html: HTML },
    { label: 'hand-written newsletter, 20 links', input: { ...newsletter, html: HAND_WRITTEN }, html: HAND_WRITTEN },
    { label: 'designed newsletter, 20 links', input: { ...newsletter, design: DESIGN }, html: (await compileDesign(DESIGN)).html },
  ];
  for (const { label, html } of all.slice(1)) {
    const links = compileEmailTemplate({ subject: '', preheader: null, html, text: null }, { track: true }).links.filter((l) => l.kind === 'link').length;
    if (links !== 20) throw new Error(`the ${label} has ${links} tracked links, not 20`);
  }
  return all;
}

const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

interface Sink {
  port: number;
  accepted(): Promise<number>;
  close(): void;
}

async function startSinkProcess(): Promise<Sink> {
  const child: ChildProcess = fork(join(here, '_smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    port,
    accepted: () =>
      new Promise((resolve) => {
        child.once('message', (m: { accepted: number }) => resolve(m.accepted));
        child.send('count');
      }),
    close: () => child.kill(),
  };
}

const here = dirname(fileURLToPath(import.meta.url));

/** A real `ricochet worker` process, compiled as users run it; `peakRss()` reads its high-water mark while it runs. */
function workerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(here, '..', 'dist', 'server', 'main.js'), 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    peakRss: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

/** The case's message for one recipient, as the sender renders it; sent as is N times. */
function preRendered(c: Case) {
  const template = compileEmailTemplate({ subject: c.input.subject!, preheader: c.input.preheader ?? null, html: c.html, text: null }, { track: true });
  return renderEmail(template, { name: c.input.name, from_name: 'Shop', from_email: c.input.fromEmail, reply_to: null } as never, {
    recipient: { messageId: 1, contactId: 1, email: 'c1@example.test', phone: null, firstName: 'Ada', lastName: null, fields: { city: 'Paris' } },
    to: 'c1@example.test',
    urls: trackedUrls('https://go.shop.example', signer(Buffer.alloc(32, 1), 1), undefined, template.links.length),
  });
}

/** The case's message as written: merged for one contact, links, unsubscribe and view-online left as they are, no pixel. */
function asWritten(c: Case) {
  const template = compileEmailTemplate({ subject: c.input.subject!, preheader: c.input.preheader ?? null, html: c.html, text: null }, { track: false });
  return renderEmail(template, { name: c.input.name, from_name: 'Shop', from_email: c.input.fromEmail, reply_to: null } as never, {
    recipient: { messageId: 1, contactId: 1, email: 'c1@example.test', phone: null, firstName: 'Ada', lastName: null, fields: { city: 'Paris' } },
    to: 'c1@example.test',
    urls: { ...UNTRACKED, open: () => '', unsubscribe: () => 'https://shop.example/unsubscribe', view: () => 'https://shop.example/online' },
  });
}

async function rawNodemailer(sink: Sink, count: number, c: Case, message = preRendered(c), pool = POOL): Promise<number> {
  const options = { ...mailOptions(message), messageId: undefined };
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sink.port, secure: false, maxConnections: pool, maxMessages: Infinity });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: pool * 2 }, async () => {
      while (next++ < count) await transport.sendMail(options);
    }),
  );
  const elapsed = performance.now() - start;
  transport.close();
  return (count / elapsed) * 1000;
}

async function seed(store: Store, count: number): Promise<number> {
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
    insert into contacts (workspace_id, email, first_name, fields, email_status, created_at, updated_at)
    select 1, 'c' || i || '@example.test', 'Name' || i, '{"city":"Paris"}', 'subscribed', 0, 0 from n`.execute(store.db);
  // The field the templates merge, declared as an import would declare it (the pre-send checks refuse an unknown one).
  await store.db.insertInto('custom_fields').values({ workspace_id: 1, name: 'city', type: 'string', created_at: 0 }).execute();
  const list = await store.db.insertInto('lists').values({ workspace_id: 1, name: 'Everyone', created_at: 0 }).returning('id').executeTakeFirstOrThrow();
  await sql`insert into list_members (list_id, contact_id, added_at) select ${list.id}, id, 0 from contacts`.execute(store.db);
  return list.id;
}

async function context(kind: DatabaseKind, env: Record<string, string> = {}) {
  const database = await freshDatabase(kind);
  const config = loadConfig({ DATABASE_URL: database.url, DATA_DIR: join(process.cwd(), 'scratch', 'bench-data'), SECRET: 'bench-secret-bench-secret-bench-secret-0', PUBLIC_URL: 'https://go.shop.example', ...env });
  const store = openStore(config.databaseUrl);
  await migrate(store);
  const ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(config.secret!), jobs: new Jobs() }, 1);
  return { ctx, env: { DATABASE_URL: database.url, DATA_DIR: config.dataDir, SECRET: config.secret!, PUBLIC_URL: config.publicUrl, ...env }, drop: async () => (await store.close(), await database.drop()) };
}

async function ricochet(kind: DatabaseKind, sink: Sink, count: number, c: Case) {
  const { ctx, env, drop } = await context(kind, { SMTP_URL: `smtp://127.0.0.1:${sink.port}?pool=${POOL}` });
  const worker = workerProcess(env);
  try {
    const listId = await seed(ctx.store, count);
    const campaign = await createCampaign(ctx, { ...c.input, listIds: [listId] });
    if (campaign.html !== c.html) throw new Error(`the ${c.label} campaign does not hold the HTML the baseline sends`);
    // Let the worker start before the clock runs.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await sink.accepted();
    const start = performance.now();
    await sendCampaign(ctx, campaign.id);
    const materialized = performance.now();
    for (;;) {
      const row = await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirstOrThrow();
      if (row.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = performance.now();
    const peak = worker.peakRss();
    const delivered = (await sink.accepted()) - before;
    if (delivered !== count) throw new Error(`the sink accepted ${delivered} messages, expected ${count}`);
    return { rate: (count / (end - materialized)) * 1000, total: end - start, peak };
  } finally {
    await worker.stop();
    await drop();
  }
}

const SERVE_POOL = 8;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const THIS_BUILD = join(here, '..', 'dist', 'server', 'main.js');

/** `ricochet serve` as `npm start` runs it (compiled, default log level), ready once /healthz answers. */
async function serveProcess(env: Record<string, string>, cpuProfileDir: string | undefined, main = THIS_BUILD) {
  const port = await freePort();
  const child = spawn(process.execPath, [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), main, 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 1200 || child.exitCode !== null) throw new Error('ricochet serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    peakRss: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    stop: () => (child.kill('SIGTERM'), exited),
  };
}

/** The newsletter sent end to end by a `serve` process; answers msg/s from the first queued message to the campaign sent. */
async function served(kind: DatabaseKind, sink: Sink, count: number, c: Case, cpuProfileDir: string | undefined, main = THIS_BUILD) {
  const { ctx, env, drop } = await context(kind, { SMTP_URL: `smtp://127.0.0.1:${sink.port}?pool=${SERVE_POOL}` });
  try {
    const listId = await seed(ctx.store, count);
    const campaign = await createCampaign(ctx, { ...c.input, listIds: [listId] });
    if (campaign.html !== c.html) throw new Error(`the ${c.label} campaign does not hold the HTML the baseline sends`);
    const server = await serveProcess(env, cpuProfileDir, main);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const before = await sink.accepted();
      await sendCampaign(ctx, campaign.id);
      const start = performance.now();
      for (;;) {
        const row = await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirstOrThrow();
        if (row.status === 'sent') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const end = performance.now();
      const delivered = (await sink.accepted()) - before;
      if (delivered !== count) throw new Error(`the sink accepted ${delivered} messages, expected ${count}`);
      return { rate: (count / (end - start)) * 1000, peak: server.peakRss() };
    } finally {
      await server.stop();
    }
  } finally {
    await drop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)} / ${median(values).toFixed(2)} / ${Math.max(...values).toFixed(2)}`;

/**
 * Raw as written, raw tracked, Ricochet serve, … A B A B, ending with a raw pair: each Ricochet run sits between two pairs of raw runs.
 * With `compare` (another build's dist/server/main.js), each round runs that build's serve too, after this one's, between raw pairs of its own.
 */
async function servedNewsletter(kinds: DatabaseKind[], sink: Sink, count: number, rounds: number, c: Case, cpuProfileDir: string | undefined, compare?: string) {
  const written = asWritten(c);
  const tracked = preRendered(c);
  const kb = (html: string, text: string) => `${((Buffer.byteLength(html) + Buffer.byteLength(text)) / 1024).toFixed(1)} KB`;
  console.log(
    `The default start: ${c.label} to ${count} recipients by \`ricochet serve\` (SMTP_URL ?pool=${SERVE_POOL}), ` +
      `raw pooled nodemailer with ${SERVE_POOL} connections and ${SERVE_POOL * 2} in flight; HTML and text as written ${kb(written.html, written.text)}, tracked ${kb(tracked.html, tracked.text)}`,
  );
  for (const kind of kinds) {
    const raws = async () => ({ written: await rawNodemailer(sink, count, c, written, SERVE_POOL), tracked: await rawNodemailer(sink, count, c, tracked, SERVE_POOL) });
    let before = await raws();
    const builds = [{ label: 'this build', main: THIS_BUILD }, ...(compare ? [{ label: compare, main: compare }] : [])];
    const toWritten = new Map<string, number[]>(builds.map((b) => [b.label, []]));
    const toTracked = new Map<string, number[]>(builds.map((b) => [b.label, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const build of builds) {
        const result = await served(kind, sink, count, c, cpuProfileDir, build.main);
        const after = await raws();
        const rawWritten = (before.written + after.written) / 2;
        const rawTracked = (before.tracked + after.tracked) / 2;
        toWritten.get(build.label)!.push(result.rate / rawWritten);
        toTracked.get(build.label)!.push(result.rate / rawTracked);
        console.log(
          `  [${kind}] round ${round}${compare ? ` (${build.label})` : ''}: Ricochet serve ${Math.round(result.rate)} msg/s (peak RSS ${mb(result.peak)}); ` +
            `raw as written ${Math.round(before.written)}→${Math.round(after.written)} msg/s (ratio ${(result.rate / rawWritten).toFixed(2)}), ` +
            `raw tracked ${Math.round(before.tracked)}→${Math.round(after.tracked)} msg/s (ratio ${(result.rate / rawTracked).toFixed(2)}); load ${loadavg()[0]!.toFixed(2)}`,
        );
        before = after;
      }
    }
    for (const { label } of builds) {
      console.log(`  [${kind}]${compare ? ` ${label}:` : ''} ratio min / median / max: to raw as written ${spread(toWritten.get(label)!)}, to raw tracked ${spread(toTracked.get(label)!)}`);
    }
  }
}

async function materialization(kind: DatabaseKind, count: number) {
  const { ctx, drop } = await context(kind);
  try {
    const listId = await seed(ctx.store, count);
    const campaign = await createCampaign(ctx, { ...CAMPAIGN, listIds: [listId] });
    let start = performance.now();
    await startCampaign(ctx, campaign.id, ['draft']);
    const ours = performance.now() - start;
    const other = await createCampaign(ctx, { ...CAMPAIGN, listIds: [listId] });
    start = performance.now();
    await sql`insert into messages (campaign_id, contact_id) select ${other.id}, contact_id from list_members where list_id = ${listId}`.execute(ctx.store.db);
    const bare = performance.now() - start;
    return { ours, bare };
  } finally {
    await drop();
  }
}

export default async function (args: string[]): Promise<void> {
  const recipients = option(args, 'recipients', 100_000);
  const audience = option(args, 'materialize', 1_000_000);
  const serveRecipients = option(args, 'serve-recipients', 20_000);
  const rounds = option(args, 'rounds', 3);
  const only = args.find((a) => a.startsWith('--only='))?.split('=')[1];
  const cpuProfileDir = args.find((a) => a.startsWith('--cpu-prof='))?.split('=')[1];
  const compare = args.find((a) => a.startsWith('--compare='))?.split('=')[1];
  const databases = args.find((a) => a.startsWith('--databases='))?.split('=')[1]?.split(',') as DatabaseKind[] | undefined;
  const kinds: DatabaseKind[] = databases ?? (process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']);
  await ensureServerBuild();
  const sink = await startSinkProcess();
  try {
    if (only === 'serve') return await servedNewsletter(kinds, sink, serveRecipients, rounds, (await cases())[1]!, cpuProfileDir, compare);
    console.log(`Sending ${recipients} personalised, tracked messages (${POOL} SMTP connections, ${IN_FLIGHT} in flight; sink in its own process)`);
    const all = await cases();
    for (const kind of kinds) {
      for (const c of all) {
        // The baseline runs just before and just after, and their mean is the reference: load on a shared machine drifts.
        const before = await rawNodemailer(sink, recipients, c);
        const result = await ricochet(kind, sink, recipients, c);
        const after = await rawNodemailer(sink, recipients, c);
        const raw = (before + after) / 2;
        const size = Buffer.byteLength(preRendered(c).html);
        console.log(`  ${c.label} (${Math.round(size / 1024)} KB of HTML a message)`);
        console.log(`    raw pooled nodemailer, the same message pre-rendered: ${Math.round(before)} and ${Math.round(after)} msg/s`);
        console.log(
          `    Ricochet sender [${kind}]: ${Math.round(result.rate)} msg/s (ratio to raw ${(result.rate / raw).toFixed(2)}), ` +
            `${seconds(result.total)} including materialisation, worker peak RSS ${mb(result.peak)}`,
        );
      }
    }
    await servedNewsletter(kinds, sink, serveRecipients, rounds, all[1]!, cpuProfileDir, compare);
    console.log(`Materialising an audience of ${audience} contacts`);
    for (const kind of kinds) {
      const { ours, bare } = await materialization(kind, audience);
      console.log(`  [${kind}] ${seconds(ours)}; bare INSERT … SELECT of the same rows ${seconds(bare)} (ratio ${(ours / bare).toFixed(2)})`);
    }
  } finally {
    sink.close();
  }
}
