import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import smpp from 'smpp';
import type { Config } from '../../config.js';
import type { AppContext } from '../../context.js';
import type { Channel, RenderedSms, SendOutcome } from '../channel.js';
import { outboxDir } from '../channels/outbox.js';
import { createDeliveryHandler } from './deliveries.js';
import { encodeGsm7, encodeUcs2, splitSms } from './encoding.js';
import { withPartsTable } from './parts.js';
import { parseSmppUrl, type SmppOptions } from '../../settings/smpp.js';
import { LinkDown, openSmppLink, statusName, THROTTLING } from './smpp-link.js';

/** SMS leave over SMPP when SMPP_URL is set, otherwise they land in the local outbox as *.sms.txt files. */
export function createSmsChannel(ctx: AppContext): Channel<RenderedSms> {
  return ctx.config.smppUrl ? createSmppChannel(ctx, parseSmppUrl(ctx.config.smppUrl)) : createSmsOutboxChannel(ctx.config);
}

const ESM_UDH_INDICATOR = 0x40;
const DATA_CODING = { gsm7: 0x00, ucs2: 0x08 } as const;
/** A later part of a concatenated SMS is retried here (the first part already left); backoff in ms. */
const PART_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000];

/** Alphanumeric sender ids (TON 5), international numbers (TON 1), short codes left to the SMSC (TON 0). */
function sourceAddress(from: string) {
  if (/^\+\d{1,15}$|^\d{9,15}$/.test(from)) return { source_addr: from.replace('+', ''), source_addr_ton: 1, source_addr_npi: 1 };
  if (/^\d{1,8}$/.test(from)) return { source_addr: from, source_addr_ton: 0, source_addr_npi: 1 };
  return { source_addr: from, source_addr_ton: 5, source_addr_npi: 0 };
}

/** UDH for concatenation with an 8-bit reference: IEI 00, length 3, reference, part count, part number. */
const concatenationHeader = (reference: number, count: number, index: number) => Buffer.from([0x05, 0x00, 0x03, reference, count, index]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type PartResult = { messageId: string } | { outcome: SendOutcome };

function createSmppChannel(ctx: AppContext, options: SmppOptions): Channel<RenderedSms> {
  const link = openSmppLink(options, createDeliveryHandler(ctx));
  let reference = randomInt(256);

  async function submitPart(fields: Record<string, unknown>, first: boolean): Promise<PartResult> {
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let throttled = false;
      try {
        const response = await link.request('submit_sm', fields);
        if (response.command_status === smpp.ESME_ROK) return { messageId: response.message_id ?? '' };
        reason = statusName(response.command_status);
        if (!THROTTLING.has(response.command_status)) return { outcome: { status: 'failed', reason: `SMSC refused: ${reason}` } };
        throttled = true;
      } catch (error) {
        if (!(error instanceof LinkDown)) throw error;
        reason = error.message;
      }
      // Nothing left yet: the sender retries the whole message later, with its own backoff.
      if (first) return { outcome: { status: 'retry', reason, throttled } };
      const delay = PART_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return { outcome: { status: 'failed', reason: `a later part was never accepted: ${reason}` } };
      await sleep(delay);
    }
  }

  const sources = new Map<string, ReturnType<typeof sourceAddress>>();

  return {
    async send(message) {
      const { encoding, parts } = splitSms(message.text);
      const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
      const ref = (reference = (reference + 1) % 256);
      let source = sources.get(message.from);
      if (!source) sources.set(message.from, (source = sourceAddress(message.from)));
      const ids: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        const encoded = encode(parts[i]!);
        const payload = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
        const result = await submitPart(
          // Spelled out: an object spread here costs microseconds per SMS.
          {
            source_addr: source.source_addr,
            source_addr_ton: source.source_addr_ton,
            source_addr_npi: source.source_addr_npi,
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            destination_addr: message.to.slice(1),
            registered_delivery: 1,
            data_coding: DATA_CODING[encoding],
            esm_class: parts.length === 1 ? 0 : ESM_UDH_INDICATOR,
            short_message: parts.length === 1 ? payload : Buffer.concat([concatenationHeader(ref, parts.length, i + 1), payload]),
          },
          i === 0,
        );
        if ('outcome' in result) return result.outcome;
        ids.push(result.messageId);
      }
      if (ids.length > 1) {
        try {
          await withPartsTable(ctx.store.db)
            .insertInto('sms_message_parts')
            .values(ids.slice(1).map((provider_id, i) => ({ provider_id, message_id: message.messageId, part: i + 2 })))
            .onConflict((oc) => oc.column('provider_id').doUpdateSet((eb) => ({ message_id: eb.ref('excluded.message_id'), part: eb.ref('excluded.part') })))
            .execute();
        } catch {
          // The SMS has left: it must be reported sent. Only the receipts of its later parts will find nothing.
        }
      }
      return { status: 'sent', providerId: ids[0]! };
    },
    close: () => link.close(),
  };
}

/** Without an SMSC: each SMS as a small text file next to the email outbox, so a newcomer sees what would be sent. */
export function createSmsOutboxChannel(config: Config): Channel<RenderedSms> {
  const dir = outboxDir(config);
  mkdirSync(dir, { recursive: true });
  return {
    async send(message) {
      const { encoding, characters, parts } = splitSms(message.text);
      const now = new Date();
      const name = `${now.toISOString().replace(/[:.]/g, '-')}-w${message.workspaceId}-${message.messageId}-${randomBytes(3).toString('hex')}.sms.txt`;
      const head = [`To: ${message.to}`, `From: ${message.from}`, `Date: ${now.toISOString()}`, `Encoding: ${encoding}, ${characters} characters, ${parts.length} part(s)`];
      // Written aside then renamed: whoever lists the outbox never sees half a file.
      await writeFile(join(dir, `.${name}`), `${head.join('\n')}\n\n${message.text}\n`);
      await rename(join(dir, `.${name}`), join(dir, name));
      return { status: 'delivered' };
    },
    async close() {},
  };
}
