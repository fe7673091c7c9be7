/**
 * `npm run bench -- sms`: 50k SMS through Ricochet's SMPP channel to a local
 * SMSC (another process), against raw windowed submit_sm of one fixed message
 * on one connection in the same run; then the same 50k rendered by a compiled
 * campaign first (merge tags, short links inserted in SQLite) and sent.
 * Raw and channel runs alternate, three rounds each; medians are compared.
 * Options: --count=<n> --window=<n>.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smpp from 'smpp';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import type { Recipient, RenderedSms } from '../src/delivery/channel.js';
import { createSmsChannel } from '../src/delivery/sms/channel.js';
import { compileSmsCampaign } from '../src/delivery/sms/compile.js';
import { encodeGsm7 } from '../src/delivery/sms/encoding.js';

const ROUNDS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const option = (args: string[], name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

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

export default async function (args: string[]): Promise<void> {
  const count = option(args, 'count', 50_000);
  const window = option(args, 'window', 10);
  const smsc = fork(join(import.meta.dirname, '_sms-smsc.ts'));
  const { port } = await new Promise<{ port: number }>((resolve) => smsc.once('message', (m) => resolve(m as { port: number })));
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-bench-sms-'));
  const ctx = await createContext(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://go.shop.test', SECRET: 'bench-secret-that-is-long-enough-0123456789', SMPP_URL: `smpp://ricochet:secret@127.0.0.1:${port}?window=${window}` }),
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
    if (accepted !== expected) throw new Error(`the SMSC accepted ${accepted} submit_sm, expected ${expected}`);
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
    await new Promise((resolve) => {
      smsc.once('exit', resolve);
      smsc.send('stop');
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
