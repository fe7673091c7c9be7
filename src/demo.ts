import { buildApp } from './app.js';
import { foldAll } from './tracking/fold.js';
import { createApiKey, revokeApiKey } from './auth/apiKeys.js';
import { createUser, resetPassword } from './auth/users.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { startScheduler } from './scheduler/scheduler.js';
import { signer } from './tracking/tokens.js';

/**
 * `ricochet demo`: a believable account in the configured database — 5,000 contacts,
 * lists, two email campaigns and one SMS campaign sent through the outbox, behaviour
 * produced by real HTTP requests to the tracking routes, and a relaunch — so that a
 * newcomer sees the Behavioral tracking tab full at once.
 *
 * Time is simulated: the first campaign goes out four days ago and recipients open and
 * click over the following days, so that timelines and "Copy D + n" look as they would.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEMO_USER = 'demo@ricochet.local';

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Tim', 'Hedy', 'Dennis', 'Barbara', 'Ken', 'Frances', 'John', 'Katherine', 'Edsger', 'Radia', 'Claude', 'Sophie', 'Louis', 'Camille', 'Hugo', 'Léa', 'Chloé', 'Lucas', 'Inès', 'Jules'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Berners-Lee', 'Lamarr', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'McCarthy', 'Johnson', 'Dijkstra', 'Perlman', 'Shannon', 'Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Garnier', 'Faure', 'Rousseau', 'Blanc'];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Bordeaux', 'Lille', 'Strasbourg', 'Nice', 'Rennes'];
const PLANS = ['free', 'free', 'free', 'pro', 'pro', 'business'];

const HUMAN_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
];
const APPLE_PRIVACY_PROXY = 'Mozilla/5.0';
const GOOGLE_IMAGE_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel; +https://www.barracuda.com)';

/** A small deterministic generator, so that every demo tells the same story. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, chance: (p: number) => next() < p, pick: <T>(items: T[]) => items[Math.floor(next() * items.length)]!, between: (a: number, b: number) => a + next() * (b - a) };
}

interface Hit {
  at: number;
  method: 'GET' | 'POST';
  path: string;
  userAgent: string;
}

const EMAIL_HTML = (title: string, intro: string) => `<!doctype html>
<html><body style="margin:0;background:#f3f4f6;font-family:Arial,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#fff;border-radius:8px;padding:32px">
<tr><td><h1 style="margin:0 0 12px;color:#1c7ed6">${title}</h1>
<p>Hello {{ contact.firstName | default: "there" }},</p>
<p>${intro}</p>
<p><a href="https://shop.example.com/spring" style="display:inline-block;background:#1c7ed6;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none">Shop the collection</a></p>
<p>Also new: <a href="https://shop.example.com/linen">linen shirts</a>, <a href="https://shop.example.com/shoes">canvas shoes</a> and <a href="https://shop.example.com/bags">weekend bags</a>.</p>
<p style="color:#6b7280;font-size:13px">Free delivery in {{ contact.fields.city | default: "France" }} until Sunday.</p>
</td></tr></table></td></tr></table></body></html>`;

/** What every step shares: the context, the simulated clock, the seeded randomness and the API over HTTP. */
interface Demo {
  ctx: AppContext;
  /** The time the server sees, moved by the steps. */
  clock: { at: number };
  rng: ReturnType<typeof random>;
  /** http://127.0.0.1:<port> of the demo's own server. */
  server: string;
  log: (line: string) => void;
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  waitFor(what: string, done: () => Promise<boolean>): Promise<void>;
}

type Campaign = { id: number; name: string };

export async function runDemo(baseConfig: Config, log: (line: string) => void = console.log): Promise<{ url: string; email: string; password: string }> {
  // Always the outbox and no send window: a demo never mails or texts anyone.
  const config: Config = { ...baseConfig, smtpUrl: undefined, smppUrl: undefined, dkim: undefined, smsSendWindow: 'always' };
  const ctx = await openFreshAccount(config);
  const clock = { at: Date.now() - 4 * DAY };
  // Whole milliseconds, as every *_at column holds.
  ctx.now = () => Math.round(clock.at);
  const rng = random(20240301);
  const app = await buildApp(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const server = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const key = await createApiKey(ctx.store, 'demo');
  const sender = startScheduler(ctx, { idleMs: 20 });
  const demo: Demo = { ctx, clock, rng, server, log, api: apiClient(server, key.key), waitFor };

  try {
    const newsletter = await importContacts(demo);
    const { vip, sms } = await createLists(demo);
    const spring = await sendSpringSale(demo, newsletter.id);
    const springSentAt = clock.at;
    clock.at += DAY;
    const preview = await sendVipEarlyAccess(demo, vip.id);
    clock.at += DAY;
    const flash = await sendFlashSaleSms(demo, sms.id);
    const now = Date.now();
    await recipientsBehave(demo, { spring, preview, flash }, springSentAt);
    const relaunch = await relaunchSpringSale(demo, spring, springSentAt);
    clock.at = now;
    const password = await demoLogin(ctx, now);
    const url = `${config.publicUrl}/campaigns/${spring.id}/stats?tab=behavior`;
    log(`Done: "${spring.name}", "${preview.name}", "${flash.name}" and "${relaunch.name}".`);
    return { url, email: DEMO_USER, password };
  } finally {
    await sender.stop();
    await app.close();
    await revokeApiKey(ctx.store, key.workspaceId, key.id);
    await ctx.store.close();
  }
}

/** A context on a database without campaigns: the demo fills a fresh account only. */
async function openFreshAccount(config: Config): Promise<AppContext> {
  const ctx = await createContext(config);
  const existing = await ctx.store.db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst();
  if (existing) {
    await ctx.store.close();
    throw new Error('This database already has campaigns: run the demo on a fresh one (for example DATA_DIR=./demo-data npm run demo).');
  }
  return ctx;
}

/** The API as the web app calls it, with the demo's key; JSON or a form in, JSON out. */
function apiClient(server: string, key: string): Demo['api'] {
  return async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const form = body instanceof FormData;
    const response = await fetch(server + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && !form && { 'content-type': 'application/json' }) },
      body: form ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The Newsletter list, filled by a CSV import of 5,000 contacts (a third with a phone, a city and a plan each). */
async function importContacts({ api, rng, log, waitFor }: Demo): Promise<{ id: number }> {
  log('Importing 5,000 contacts…');
  const newsletter = await api<{ id: number }>('POST', '/api/lists', { name: 'Newsletter' });
  const rows = ['email,phone,first_name,last_name,city,plan'];
  for (let i = 1; i <= 5000; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const email = `${first}.${last}.${i}@example.com`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const phone = rng.chance(0.3) ? `+3361${String(i).padStart(7, "0")}` : '';
    rows.push([email, phone, first, last, rng.pick(CITIES), rng.pick(PLANS)].join(','));
  }
  const form = new FormData();
  form.append('listId', String(newsletter.id));
  form.append('file', new Blob([rows.join('\n')], { type: 'text/csv' }), 'customers.csv');
  const { id: importId } = await api<{ id: number }>('POST', '/api/imports', form);
  await waitFor('the import', async () => ['done', 'failed'].includes((await api('GET', `/api/imports/${importId}`)).status));
  return newsletter;
}

/** VIP customers (half of those on a paid plan) and SMS subscribers (everyone with a phone). */
async function createLists({ ctx, api, rng }: Demo): Promise<{ vip: { id: number }; sms: { id: number } }> {
  const contacts = await ctx.store.db.selectFrom('contacts').select(['id', 'phone', 'fields']).orderBy('id').execute();
  const vip = await api<{ id: number }>('POST', '/api/lists', { name: 'VIP customers' });
  const planOf = (fields: unknown) => (ctx.store.dialect.readJson(fields) as Record<string, unknown> | null)?.plan;
  const vipIds = contacts.filter((c) => planOf(c.fields) !== 'free' && rng.chance(0.5)).map((c) => c.id);
  await api('POST', `/api/lists/${vip.id}/contacts`, { contactIds: vipIds });
  const sms = await api<{ id: number }>('POST', '/api/lists', { name: 'SMS subscribers' });
  await api('POST', `/api/lists/${sms.id}/contacts`, { contactIds: contacts.filter((c) => c.phone).map((c) => c.id) });
  return { vip, sms };
}

/** Sends a campaign through the outbox and waits until it is sent. */
async function send({ api, log, waitFor }: Demo, campaign: Campaign): Promise<void> {
  log(`Sending "${campaign.name}" through the outbox…`);
  await api('POST', `/api/campaigns/${campaign.id}/send`, {});
  await waitFor(campaign.name, async () => (await api('GET', `/api/campaigns/${campaign.id}`)).status === 'sent');
}

/** "Spring sale", the email campaign to the Newsletter list, sent now (four days ago). */
async function sendSpringSale(demo: Demo, newsletterId: number): Promise<Campaign> {
  const spring = await demo.api<Campaign>('POST', '/api/campaigns', {
    channel: 'email',
    name: 'Spring sale',
    subject: 'Spring is here, {{ contact.firstName | default: "friend" }}: up to 40% off',
    preheader: 'Linen, canvas and weekend bags',
    fromEmail: 'news@shop.example.com',
    fromName: 'Maison Ricochet',
    html: EMAIL_HTML('The spring collection is here', 'Light fabrics, bright colours and up to 40% off until Sunday.'),
    listIds: [newsletterId],
  });
  await send(demo, spring);
  return spring;
}

/** "VIP early access", the email campaign to the VIP customers. */
async function sendVipEarlyAccess(demo: Demo, vipId: number): Promise<Campaign> {
  const preview = await demo.api<Campaign>('POST', '/api/campaigns', {
    channel: 'email',
    name: 'VIP early access',
    subject: 'Your early access to the summer collection',
    fromEmail: 'vip@shop.example.com',
    fromName: 'Maison Ricochet',
    html: EMAIL_HTML('Before everyone else', 'As one of our best customers, you shop the summer collection two days early.'),
    listIds: [vipId],
  });
  await send(demo, preview);
  return preview;
}

/** "Flash sale SMS", the SMS campaign to the SMS subscribers, with a short link. */
async function sendFlashSaleSms(demo: Demo, smsId: number): Promise<Campaign> {
  const flash = await demo.api<Campaign>('POST', '/api/campaigns', {
    channel: 'sms',
    name: 'Flash sale SMS',
    senderId: 'RICOCHET',
    body: 'Flash sale, {{ contact.firstName }}: -30% on shoes until midnight https://shop.example.com/shoes',
    listIds: [smsId],
  });
  await send(demo, flash);
  return flash;
}

/** Opens and clicks on the three campaigns, each from the day it went out. */
async function recipientsBehave(demo: Demo, { spring, preview, flash }: Record<'spring' | 'preview' | 'flash', Campaign>, springSentAt: number): Promise<void> {
  demo.log('Recipients open and click (real requests to the tracking routes)…');
  demo.clock.at = springSentAt;
  await simulateBehaviour(demo, spring.id, { openRate: 0.38, clickRate: 0.3, start: springSentAt });
  demo.clock.at = springSentAt + DAY;
  await simulateBehaviour(demo, preview.id, { openRate: 0.55, clickRate: 0.4, start: springSentAt + DAY });
  demo.clock.at = springSentAt + 2 * DAY;
  await simulateBehaviour(demo, flash.id, { openRate: 0.2, clickRate: 1, start: springSentAt + 2 * DAY });
}

/**
 * One campaign's behaviour as real requests to the tracking routes, in time order:
 * privacy proxies and link scanners, people opening and clicking over days, some
 * unsubscribes, then a few bounce reports.
 */
async function simulateBehaviour({ ctx, clock, rng, server, log, api }: Demo, campaignId: number, options: { openRate: number; clickRate: number; start: number }): Promise<void> {
  const messages = await ctx.store.db.selectFrom('messages').select(['id', 'delivered_at']).where('campaign_id', '=', campaignId).where('status', '=', 'delivered').execute();
  const links = await ctx.store.db.selectFrom('links').select(['id', 'position', 'kind']).where('campaign_id', '=', campaignId).orderBy('position').execute();
  const real = links.filter((l) => l.kind === 'link');
  const honeypot = links.find((l) => l.kind === 'honeypot');
  const codes = new Map(
    (await ctx.store.db.selectFrom('sms_short_links').select(['code', 'message_id']).where('campaign_id', '=', campaignId).execute()).map((c) => [c.message_id, c.code]),
  );
  const hits: Hit[] = [];
  const unsubscribes: number[] = [];
  for (const message of messages) {
    const delivered = message.delivered_at ?? options.start;
    const token = signer(ctx.secret, message.id);
    const open = (at: number, userAgent: string) => hits.push({ at, method: 'GET', path: `/t/o/${token.token('open')}`, userAgent });
    const click = (at: number, position: number, userAgent: string) =>
      hits.push({ at, method: 'GET', path: codes.has(message.id) ? `/s/${codes.get(message.id)}` : `/t/c/${token.token('click', position)}`, userAgent });
    // Machines first: Apple's privacy proxy loads every image at delivery, gateways follow every link.
    if (!codes.size && rng.chance(0.12)) open(delivered + rng.between(60_000, 10 * 60_000), APPLE_PRIVACY_PROXY);
    if (!codes.size && rng.chance(0.03)) {
      const at = delivered + rng.between(2_000, 8_000);
      for (const link of [...real, ...(honeypot ? [honeypot] : [])]) click(at + rng.between(0, 500), link.position, SCANNER);
    }
    if (!rng.chance(options.openRate)) continue;
    const agent = rng.chance(0.2) ? GOOGLE_IMAGE_PROXY : rng.pick(HUMAN_AGENTS);
    const browser = agent === GOOGLE_IMAGE_PROXY ? rng.pick(HUMAN_AGENTS) : agent;
    // Most people read within hours, a long tail over the next days.
    const first = delivered + (rng.chance(0.7) ? rng.between(5 * 60_000, 6 * HOUR) : rng.between(6 * HOUR, 3 * DAY));
    if (!codes.size) {
      open(first, agent);
      if (rng.chance(0.35)) open(first + rng.between(HOUR, DAY), agent);
      if (rng.chance(0.1)) open(first + rng.between(DAY, 2 * DAY), agent);
    }
    if (rng.chance(options.clickRate)) {
      const favourite = real[rng.chance(0.6) ? 0 : Math.floor(rng.next() * real.length)]!;
      click(first + rng.between(20_000, 5 * 60_000), favourite.position, browser);
      if (rng.chance(0.25)) click(first + rng.between(10 * 60_000, 2 * HOUR), favourite.position, browser);
      if (real.length > 1 && rng.chance(0.3)) click(first + rng.between(5 * 60_000, HOUR), rng.pick(real).position, browser);
    }
    if (!codes.size && rng.chance(0.015)) unsubscribes.push(message.id);
  }
  hits.sort((a, b) => a.at - b.at);
  log(`  ${hits.length} tracking requests…`);
  const track = async (hit: Hit) => {
    const response = await fetch(server + hit.path, { method: hit.method, headers: { 'user-agent': hit.userAgent }, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status >= 500) throw new Error(`${hit.method} ${hit.path}: ${response.status}`);
  };
  // Requests that share a minute go together; the clock the server sees moves minute by minute.
  for (let i = 0; i < hits.length; ) {
    const minute = Math.floor(hits[i]!.at / 60_000);
    let j = i;
    while (j < hits.length && Math.floor(hits[j]!.at / 60_000) === minute) j++;
    clock.at = hits[i]!.at;
    const batch = hits.slice(i, j);
    for (let k = 0; k < batch.length; k += 64) {
      await Promise.all(batch.slice(k, k + 64).map(track));
    }
    i = j;
  }
  clock.at = Math.max(clock.at, options.start + 3 * DAY);
  for (const messageId of unsubscribes) {
    await fetch(`${server}/u/${signer(ctx.secret, messageId).token('unsubscribe')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
  }
  for (const message of messages.filter(() => rng.chance(0.004))) await api('POST', '/api/webhooks/bounces', { messageId: message.id, type: rng.chance(0.7) ? 'hard' : 'soft', reason: '550 5.1.1 mailbox unavailable' });
  // The next steps (a relaunch of the openers) read the counters: every hit is folded into them first.
  await foldAll(ctx);
}

/** "Copy D + 3" of the Spring sale to those who opened but did not click, sent, then opened and clicked in turn. */
async function relaunchSpringSale(demo: Demo, spring: Campaign, springSentAt: number): Promise<Campaign> {
  demo.log('Relaunching "Spring sale" to those who opened but did not click…');
  demo.clock.at = springSentAt + 3 * DAY + 2 * HOUR;
  const relaunch = await demo.api<{ campaign: Campaign }>('POST', `/api/campaigns/${spring.id}/actions/relaunch`, {
    filter: { match: 'all', conditions: [{ field: 'opened', op: 'is', value: true }, { not: { field: 'clicked', op: 'is', value: true } }] },
    overrides: { subject: 'Still thinking about spring, {{ contact.firstName | default: "friend" }}?' },
  });
  await send(demo, relaunch.campaign);
  await simulateBehaviour(demo, relaunch.campaign.id, { openRate: 0.45, clickRate: 0.35, start: demo.clock.at });
  return relaunch.campaign;
}

/** The demo user, with a new password each run; returns the password. */
async function demoLogin(ctx: AppContext, now: number): Promise<string> {
  return (await resetPassword(ctx.store, DEMO_USER)) ?? (await createUser(ctx.store, DEMO_USER, now)).password;
}
