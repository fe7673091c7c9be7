import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test/support/databases.js';
import { authenticate } from './auth/users.js';
import { loadConfig } from './config.js';
import { openStore, type Store } from './db/connection.js';
import { DEMO_USER, runDemo } from './demo.js';

// On the default database: the demo drives the same features whose suites run on both.
describe('npm run demo [sqlite]', () => {
  const kind = 'sqlite';
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let dataDir: string;
  let store: Store;
  let result: Awaited<ReturnType<typeof runDemo>>;
  beforeAll(async () => {
    database = await freshDatabase(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'ricochet-demo-'));
    // An SMTP server in the environment must not matter: the demo only ever writes to the outbox.
    const config = loadConfig({ DATABASE_URL: database.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', SMTP_URL: 'smtp://127.0.0.1:9', PUBLIC_URL: 'https://r.example' });
    result = await runDemo(config, () => {});
    store = openStore(database.url);
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills 5,000 contacts in lists and sends two email campaigns, one SMS campaign and a relaunch through the outbox', async () => {
    const contacts = await store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(contacts.n)).toBe(5000);
    const lists = await store.db.selectFrom('lists').select('name').orderBy('id').execute();
    expect(lists.map((l) => l.name)).toEqual(['Newsletter', 'VIP customers', 'SMS subscribers']);
    const campaigns = await store.db.selectFrom('campaigns').select(['id', 'name', 'channel', 'status', 'parent_campaign_id', 'audience_label']).orderBy('id').execute();
    expect(campaigns.map((c) => [c.name, c.channel, c.status])).toEqual([
      ['Spring sale', 'email', 'sent'],
      ['VIP early access', 'email', 'sent'],
      ['Flash sale SMS', 'sms', 'sent'],
      ['Copy D + 3 - active view: Spring sale', 'email', 'sent'],
    ]);
    expect(campaigns[3]).toMatchObject({ parent_campaign_id: campaigns[0]!.id, audience_label: 'active view' });
    const outbox = readdirSync(join(dataDir, 'outbox'));
    expect(outbox.length).toBeGreaterThan(5000);
    expect(result.url).toBe(`https://r.example/campaigns/${campaigns[0]!.id}/stats?tab=behavior`);
  });

  it('records behaviour from real tracking requests: human and machine, several links, repeat clicks', async () => {
    const events = await store.db.selectFrom('events').select(['type', 'human', 'reason']).execute();
    const reasons = new Set(events.map((e) => e.reason));
    for (const reason of ['browser', 'apple-mail-privacy-protection', 'google-image-proxy', 'scanner:barracuda']) expect(reasons).toContain(reason);
    expect(events.some((e) => e.type === 'click' && e.human === 1)).toBe(true);
    expect(events.some((e) => e.type === 'unsubscribe')).toBe(true);
    const repeat = await store.db.selectFrom('message_links').select('clicks').where('clicks', '>', 1).executeTakeFirst();
    expect(repeat).toBeDefined();
    const linksClicked = await store.db.selectFrom('message_links').select('link_id').distinct().execute();
    expect(linksClicked.length).toBeGreaterThan(4);
  });

  it('prints a login that works, and refuses to run twice on the same database', async () => {
    expect(result.email).toBe(DEMO_USER);
    expect(await authenticate(store, DEMO_USER, result.password)).toBeDefined();
    const config = loadConfig({ DATABASE_URL: database.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    await expect(runDemo(config, () => {})).rejects.toThrow(/already has campaigns/);
  });
});
