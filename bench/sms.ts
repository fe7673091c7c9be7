/**
 * `npm run bench -- sms`: 50k SMS through Ricochet's SMPP channel to a local
 * SMSC (another process), against raw windowed submit_sm of one fixed message
 * on one connection in the same run; then the same 50k rendered by a compiled
 * campaign first (merge tags, short links inserted in SQLite) and sent.
 * Raw and channel runs alternate, three rounds each; medians are compared.
 * Then a whole campaign: 50k contacts with phones, an SMS with merge tags and 2
 * links (short links), sent by a real `ricochet worker` process (the compiled
 * dist/server/main.js) to the same SMSC, timed from the send to the last
 * submit_sm acknowledged, each round between two raw runs; SQLite, and
 * PostgreSQL when TEST_DATABASE_URL is set. Every contact must get exactly one SMS.
 * Options: --count=<n> --window=<n> --rounds=<n> (worker rounds),
 * --only=worker (skip the channel lines), --profile=<dir> (the worker runs with --cpu-prof there),
 * --compare=<main.js> (another build's worker takes every other campaign, e.g. a worktree of an earlier commit).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import smpp from 'smpp';
import { createCampaign } from '../src/campaigns/campaigns.js';
import { sendCampaign } from '../src/campaigns/sending.js';
import { loadConfig } from '../src/config.js';
import { createContext, inWorkspace, Jobs, type WorkspaceContext } from '../src/context.js';
import { openStore } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import type { Recipient, RenderedSms } from '../src/delivery/channel.js';
import { createSmsChannel } from '../src/delivery/sms/channel.js';
import { compileSmsCampaign } from '../src/delivery/sms/compile.js';
import { encodeGsm7 } from '../src/delivery/sms/encoding.js';
import { freshDatabase, type DatabaseKind } from '../test/support/databases.js';
import { ensureServerBuild } from '../web/build.js';

const ROUNDS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const textOption = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PUBLIC_URL = 'https://go.shop.test';
const SECRET = 'bench-secret-that-is-long-enough-0123456789';

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message);
  });
}

/** The baseline: one bound connection, `window` submit_sm always outstanding, the same pre-encoded message each time. */
async function rawSubmits(port: number, count: number, window: number): Promise<number> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) =>
    session.on('connect', () => session.bind_transceiver({ system_id: 'ricochet', password: 'secret' }, (pdu) => (pdu.command_status ? reject(new Error('bind')) : resolve()))),
  );
  const fields = { source_addr: 'SHOP', source_addr_ton: 5, destination_addr: '33612345678', dest_addr_ton: 1, dest_addr_npi: 1, registered_delivery: 1, data_coding: 0, short_message: Buffer.from(encodeGsm7('Bonjour Ada, -30% : https://go.shop.test/s/AbCdEfGh\nSTOP au 36111')) };
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let answered = 0;
    const next = () => {
      if (sent >= count) return;
      sent++;
      session.submit_sm(fields, (pdu) => {
        if (pdu.command_status) throw new Error(`submit_sm refused: ${pdu.command_status}`);
        if (++answered === count) resolve();
        else next();
      });
    };
    for (let i = 0; i < window; i++) next();
  });
  const seconds = (performance.now() - started) / 1000;
  await new Promise<void>((resolve) => session.unbind({}, () => session.close(resolve)));
  return count / seconds;
}

/** Sends `messages` through the channel with the sender's shape: a fixed number in flight. */
async function throughChannel(send: (m: RenderedSms) => Promise<{ status: string }>, messages: () => Iterable<RenderedSms>, inFlight: number): Promise<number> {
  const iterator = messages()[Symbol.iterator]();
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const outcome = await send(next.value);
        if (outcome.status !== 'sent') throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** The channel alone, and a compiled campaign rendered batch after batch, against raw submit_sm. */
async function channelLines(smsc: ChildProcess, port: number, count: number, window: number): Promise<void> {
  const { accepted: before } = await ask<{ accepted: number }>(smsc, 'count');
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-bench-sms-'));
  const ctx = await createContext(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL, SECRET, SMPP_URL: `smpp://ricochet:secret@127.0.0.1:${port}?window=${window}` }),
  );
  const channel = createSmsChannel(ctx);
  try {
    const sms = (i: number): RenderedSms => ({ kind: 'sms', workspaceId: 1, messageId: i + 1, to: `+336${String(10_000_000 + i).slice(-8)}`, from: 'SHOP', text: `Bonjour Client${i}, -30% : https://go.shop.test/s/AbCdEfGh\nSTOP au 36111` });
    const generated = function* (n: number) {
      for (let i = 0; i < n; i++) yield sms(i);
    };
    // Warm-up: connections bound, code paths compiled.
    await rawSubmits(port, 2_000, window);
    await throughChannel((m) => channel.send(m), () => generated(2_000), window * 2);

    // Alternated rounds, median of each: the machine's other load falls on both alike.
    const raws: number[] = [];
    const channels: number[] = [];
    const cpu = { raw: [] as number[], channel: [] as number[] };
    // Client CPU per SMS (µs): what the machine's other load does not change much.
    const cpuPerSms = async (run: () => Promise<number>, into: number[]) => {
      const before = process.cpuUsage();
      const rate = await run();
      const used = process.cpuUsage(before);
      into.push((used.user + used.system) / count);
      return rate;
    };
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await cpuPerSms(() => rawSubmits(port, count, window), cpu.raw));
      channels.push(await cpuPerSms(() => throughChannel((m) => channel.send(m), () => generated(count), window * 2), cpu.channel));
    }
    const raw = median(raws);
    const viaChannel = median(channels);

    // The sender's whole path short of the database queue: render in batches of 250 (short links inserted), then send.
    const now = Date.now();
    const campaign = await ctx.store.db
      .insertInto('campaigns')
      .values({ workspace_id: 1, channel: 'sms', name: 'bench', status: 'sending', body: 'Bonjour {{ contact.firstName }}, -30% : https://shop.test/sale', sender_id: 'SHOP', list_ids: '[]', created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const compiled = await compileSmsCampaign(ctx, campaign);
    const recipient = (i: number): Recipient => ({ messageId: i + 1, campaignId: campaign.id, contactId: i + 1, email: null, phone: sms(i).to, firstName: `Client${i}`, lastName: null, fields: {}, trackingConsent: true });
    const started = performance.now();
    for (let from = 0; from < count; from += 250) {
      const rendered = await compiled.renderBatch(Array.from({ length: Math.min(250, count - from) }, (_, i) => recipient(from + i)));
      await throughChannel((m) => channel.send(m), () => rendered as RenderedSms[], window * 2);
    }
    const rendering = count / ((performance.now() - started) / 1000);

    const { accepted } = await ask<{ accepted: number }>(smsc, 'count');
    const expected = 2 * 2_000 + (2 * ROUNDS + 1) * count;
    if (accepted - before !== expected) throw new Error(`the SMSC accepted ${accepted - before} submit_sm, expected ${expected}`);
    const row = (name: string, perSecond: number, cpuMicros?: number) =>
      console.log(`${name.padEnd(58)} ${Math.round(perSecond).toString().padStart(7)} SMS/s   ${(perSecond / raw).toFixed(2)} × raw${cpuMicros === undefined ? '' : `   ${cpuMicros.toFixed(1)} µs CPU/SMS`}`);
    console.log(`${count} single-part SMS, window ${window}, SMSC in another process; median of ${ROUNDS} alternated rounds`);
    console.log(`  raw rounds: ${raws.map(Math.round).join(', ')}; channel rounds: ${channels.map(Math.round).join(', ')}`);
    row('raw submit_sm, one fixed message, one connection', raw, median(cpu.raw));
    row('Ricochet SMPP channel (encode, submit, outcome)', viaChannel, median(cpu.channel));
    row('compiled campaign: render + short links (SQLite) + channel', rendering);
  } finally {
    await channel.close();
    await ctx.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A real `ricochet worker` process, compiled as users run it; `cpu()` reads the CPU it has used so far (µs). */
function workerProcess(main: string, env: Record<string, string>, profileDir: string | undefined) {
  const child = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), main, 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ticks = 100; // USER_HZ on Linux
  return {
    cpu: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticks;
    },
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The body of the worker's campaign: merge tags, 2 links (short links of their own per contact), the STOP mention. */
const CAMPAIGN_BODY = 'Bonjour {{ contact.firstName }}, -30% sur tout : https://shop.test/sale et les nouveautes https://shop.test/new\nSTOP au 36111';

async function seedPhones(ctx: WorkspaceContext, count: number): Promise<number> {
  await sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${count - 1})
    insert into contacts (workspace_id, phone, first_name, fields, sms_status, created_at, updated_at)
    select 1, '+336' || cast(10000000 + i as text), 'Client' || i, '{}', 'subscribed', 0, 0 from n`.execute(ctx.store.db);
  const list = await ctx.store.db.insertInto('lists').values({ workspace_id: 1, name: 'Clients', created_at: 0 }).returning('id').executeTakeFirstOrThrow();
  await sql`insert into list_members (list_id, contact_id, added_at) select ${list.id}, id, 0 from contacts`.execute(ctx.store.db);
  return list.id;
}

const until = async (what: string, check: () => Promise<boolean>, seconds = 300) => {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/**
 * Rounds of raw, worker campaign, raw, … on one database: each campaign against the mean of the raw runs around it.
 * Each campaign has its worker started for it (and stopped after), so that builds compared never share a campaign.
 */
async function workerCampaigns(kind: DatabaseKind, smsc: ChildProcess, port: number, count: number, window: number, rounds: number, builds: Array<{ label: string; main: string }>, profileDir: string | undefined) {
  const database = await freshDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-bench-sms-'));
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, PUBLIC_URL, SECRET, SMPP_URL: `smpp://ricochet:secret@127.0.0.1:${port}?window=${window}`, SMS_SEND_WINDOW: 'always', SMS_STOP_TEXT: 'STOP au 36111' };
  const config = loadConfig(env);
  const store = openStore(config.databaseUrl);
  await migrate(store);
  const ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(config.secret!), jobs: new Jobs() }, 1);
  type Result = { label: string; ratio: number; wireRatio: number; rate: number; raws: [number, number]; cpu: number; total: number };
  const results: Result[] = [];
  try {
    const listId = await seedPhones(ctx, count);
    let raw = await rawSubmits(port, count, window);
    for (let round = 0; round < rounds; round++) {
      for (const build of builds) {
        const worker = workerProcess(build.main, env, profileDir);
        try {
          const campaign = await createCampaign(ctx, { channel: 'sms', name: `Soldes ${round + 1} ${build.label}`, senderId: 'SHOP', body: CAMPAIGN_BODY, listIds: [listId] });
          // Let the worker start and bind before the clock runs.
          await new Promise((resolve) => setTimeout(resolve, 3000));
          const { accepted: mark } = await ask<{ accepted: number }>(smsc, 'count');
          const cpuBefore = worker.cpu();
          const clicked = performance.timeOrigin + performance.now();
          await sendCampaign(ctx, campaign.id);
          const sending = performance.timeOrigin + performance.now();
          let seen = { accepted: 0, destinations: 0, multipart: 0, firstAt: 0, lastAt: 0 };
          await until(`${count} SMS at the SMSC`, async () => (seen = await ask<typeof seen>(smsc, `since:${mark}`)).accepted >= count);
          const cpu = (worker.cpu() - cpuBefore) / count;
          await until('the campaign sent', async () => (await ctx.store.db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirstOrThrow()).status === 'sent');
          seen = await ask<typeof seen>(smsc, `since:${mark}`);
          if (seen.accepted !== count || seen.destinations !== count || seen.multipart) {
            throw new Error(`the SMSC accepted ${seen.accepted} parts (${seen.multipart} of concatenated SMS) to ${seen.destinations} numbers, expected one SMS to each of ${count}`);
          }
          await worker.stop();
          const after = await rawSubmits(port, count, window);
          const mean = (raw + after) / 2;
          const rate = (count / (seen.lastAt - sending)) * 1000;
          const wire = (count / (seen.lastAt - seen.firstAt)) * 1000;
          results.push({ label: build.label, ratio: rate / mean, wireRatio: wire / mean, rate, raws: [raw, after], cpu, total: seen.lastAt - clicked });
          raw = after;
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`  [${kind}] ${count} contacts, SMS with 2 short links and a merge tag, through a ricochet worker process (window ${window}); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [i, r] of results.entries()) {
    console.log(
      `    ${i + 1}. ${r.label}: ${Math.round(r.rate)} SMS/s from send to last submit_sm_resp, raw ${Math.round(r.raws[0])} / ${Math.round(r.raws[1])}: ` +
        `${r.ratio.toFixed(2)} × raw (first to last submit ${r.wireRatio.toFixed(2)} × raw); ${(r.total / 1000).toFixed(2)} s with materialisation; worker ${r.cpu.toFixed(1)} µs CPU/SMS`,
    );
  }
  for (const { label } of builds) {
    const mine = results.filter((r) => r.label === label);
    const ratios = mine.map((r) => r.ratio).sort((a, b) => a - b);
    const cpus = mine.map((r) => r.cpu);
    console.log(`    ${label}: ratio min / median / max ${ratios[0]!.toFixed(2)} / ${median(ratios).toFixed(2)} / ${ratios.at(-1)!.toFixed(2)}; worker CPU/SMS median ${median(cpus).toFixed(1)} µs`);
  }
}

export default async function (args: string[]): Promise<void> {
  const count = option(args, 'count', 50_000);
  const window = option(args, 'window', 10);
  const rounds = option(args, 'rounds', 3);
  const profileDir = textOption(args, 'profile');
  const kinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  await ensureServerBuild();
  const smsc = fork(join(import.meta.dirname, '_sms-smsc.ts'));
  const { port } = await new Promise<{ port: number }>((resolve) => smsc.once('message', (m) => resolve(m as { port: number })));
  try {
    // Warm-up: code paths compiled on both sides.
    await rawSubmits(port, 2_000, window);
    if (textOption(args, 'only') !== 'worker') await channelLines(smsc, port, count, window);
    console.log(`A campaign through the worker: each round between two raw runs, ratio to their mean; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const compare = textOption(args, 'compare');
    const builds = [{ label: 'this build', main: join(import.meta.dirname, '..', 'dist', 'server', 'main.js') }, ...(compare ? [{ label: compare, main: compare }] : [])];
    for (const kind of kinds) await workerCampaigns(kind, smsc, port, count, window, rounds, builds, profileDir);
  } finally {
    await new Promise((resolve) => {
      smsc.once('exit', resolve);
      smsc.send('stop');
    });
  }
}
