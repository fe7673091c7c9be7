import smpp, { type PDU } from 'smpp';
import { normalizePhone } from '../../contacts/normalize.js';
import type { EventsTable } from '../../db/schema.js';
import type { AppContext } from '../../context.js';
import type { Insertable } from 'kysely';
import { suppressAfterSoftBounces } from '../../tracking/bounces.js';
import { withPartsTable } from './parts.js';

/**
 * What the SMSC delivers to us (deliver_sm): delivery receipts, matched to
 * messages by the SMSC's message id, and replies from phones, where STOP,
 * ARRET or UNSUBSCRIBE unsubscribes the contact. Each deliver_sm is answered
 * only once its effect is committed.
 */

const MESSAGE_TYPE = 0x3c;
const DELIVERY_RECEIPT = 0x04;

const STATE_NAMES: Record<number, string> = { 1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD' };
const BOUNCES: Record<string, 'hard' | 'soft'> = { UNDELIV: 'hard', REJECTD: 'hard', EXPIRED: 'soft' };
/**
 * Receipt error codes (`err:`, the GSM MAP error most SMSCs pass on) saying the number
 * does not exist: 1 and 2 unknown in the HLR, 5 unknown in the MSC (unidentified
 * subscriber), 9 illegal subscriber. With UNDELIV or REJECTD they suppress SMS to the
 * contact. Other failures (phone off, barred, no credit, a refused sender id) bounce
 * the message only: REJECTD alone can come for a whole campaign.
 */
const NUMBER_DOES_NOT_EXIST = new Set([1, 2, 5, 9]);

const STOP_WORDS = new Set(['STOP', 'ARRET', 'UNSUBSCRIBE']);

interface Receipt {
  providerId: string;
  /** DELIVRD, UNDELIV, REJECTD, EXPIRED, … */
  stat: string;
  error: string | undefined;
}

function textOf(pdu: PDU): string {
  const value = pdu.message_payload ?? pdu.short_message;
  const message = value && typeof value === 'object' && !Buffer.isBuffer(value) ? value.message : value;
  return Buffer.isBuffer(message) ? message.toString('latin1') : (message ?? '');
}

const isReceipt = (pdu: PDU) => ((pdu.esm_class ?? 0) & MESSAGE_TYPE) === DELIVERY_RECEIPT;

/** The receipt's message id and state, from TLVs when present, else from the text `id:… stat:… err:…`. */
function parseReceipt(pdu: PDU): Receipt | undefined {
  const text = textOf(pdu);
  const providerId = pdu.receipted_message_id?.trim() || /\bid:(\S+)/i.exec(text)?.[1];
  const stat = (pdu.message_state !== undefined ? STATE_NAMES[pdu.message_state] : undefined) ?? /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  if (!providerId || !stat) return undefined;
  return { providerId, stat, error: /\berr:(\w+)/i.exec(text)?.[1] };
}

/** STOP, ARRET (with or without its accent) or UNSUBSCRIBE, in any case, spaces and final full stops or exclamation marks aside. */
export function isStopReply(text: string): boolean {
  const word = text.normalize('NFD').replace(/\p{M}/gu, '').trim().replace(/[\s.!]+$/, '').toUpperCase();
  return STOP_WORDS.has(word);
}

/** The phone of a reply as stored on contacts (E.164). */
function replyPhone(ctx: AppContext, pdu: PDU): string | undefined {
  const address = (pdu.source_addr ?? '').trim();
  const international = pdu.source_addr_ton === 1 && /^\d+$/.test(address);
  return normalizePhone(international ? `+${address}` : address, ctx.config.defaultCountry);
}

interface Pending {
  receipt: Receipt;
  attempts: number;
  answer: (status: number) => void;
}

type Row = { id: number; campaign_id: number; contact_id: number; status: string };

/** Retries while the sender has not yet recorded the message the receipt is about (it can arrive first). */
const RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000];

export function createDeliveryHandler(ctx: AppContext): (pdu: PDU) => Promise<number> {
  const queue: Pending[] = [];
  let flushing = false;

  function later(item: Pending): void {
    const delay = RETRY_DELAYS_MS[item.attempts++];
    // Still unknown: the SMSC keeps the receipt and delivers it again later.
    if (delay === undefined) return item.answer(smpp.ESME_RX_T_APPN);
    setTimeout(() => enqueue(item), delay).unref();
  }

  function enqueue(item: Pending): void {
    queue.push(item);
    if (!flushing) void flush();
  }

  // Group commit: whatever arrived while the previous batch was being written goes in the next transaction.
  async function flush(): Promise<void> {
    flushing = true;
    while (queue.length) {
      const batch = queue.splice(0, 500);
      try {
        const unmatched = await applyReceipts(ctx, batch);
        for (const item of batch) {
          if (unmatched.has(item)) later(item);
          else item.answer(smpp.ESME_ROK);
        }
      } catch {
        for (const item of batch) later(item);
      }
    }
    flushing = false;
  }

  return async (pdu) => {
    if (isReceipt(pdu)) {
      const receipt = parseReceipt(pdu);
      if (!receipt) return smpp.ESME_ROK;
      return new Promise<number>((answer) => enqueue({ receipt, attempts: 0, answer }));
    }
    if (((pdu.esm_class ?? 0) & MESSAGE_TYPE) !== 0 || !isStopReply(textOf(pdu))) return smpp.ESME_ROK;
    const phone = replyPhone(ctx, pdu);
    if (phone) await unsubscribeByReply(ctx, phone, textOf(pdu).trim());
    return smpp.ESME_ROK;
  };
}

/** Applies a batch of receipts in one transaction; returns those whose message is not (yet) recorded as sent. */
async function applyReceipts(ctx: AppContext, batch: Pending[]): Promise<Set<Pending>> {
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const ids = [...new Set(batch.map((item) => item.receipt.providerId))];
    const rows = new Map<string, Row>();
    for (const row of await trx.selectFrom('messages').select(['id', 'campaign_id', 'contact_id', 'status', 'provider_id']).where('provider_id', 'in', ids).execute()) {
      rows.set(row.provider_id!, row);
    }
    const others = ids.filter((id) => !rows.has(id));
    if (others.length) {
      const parts = await withPartsTable(trx)
        .selectFrom('sms_message_parts as p')
        .innerJoin('messages as m', 'm.id', 'p.message_id')
        .select(['p.provider_id', 'm.id', 'm.campaign_id', 'm.contact_id', 'm.status'])
        .where('p.provider_id', 'in', others)
        .execute();
      for (const part of parts) rows.set(part.provider_id, part);
    }

    const unmatched = new Set<Pending>();
    const delivered: number[] = [];
    const events: Insertable<EventsTable>[] = [];
    const unknownNumbers: number[] = [];
    const softBounced: number[] = [];
    for (const item of batch) {
      const row = rows.get(item.receipt.providerId);
      if (!row || row.status === 'queued') {
        unmatched.add(item);
        continue;
      }
      const { stat, error } = item.receipt;
      if (stat === 'DELIVRD' && row.status === 'sent') {
        row.status = 'delivered';
        delivered.push(row.id);
        events.push({ campaign_id: row.campaign_id, message_id: row.id, type: 'delivered', reason: null, at: now });
      } else if (BOUNCES[stat] && (row.status === 'sent' || row.status === 'delivered')) {
        // A concatenated SMS whose later part failed was not received whole, even if part 1 was.
        row.status = 'bounced';
        const reason = error ? `${stat} err:${error}` : stat;
        await trx.updateTable('messages').set({ status: 'bounced', bounce_type: BOUNCES[stat], bounce_reason: reason }).where('id', '=', row.id).execute();
        events.push({ campaign_id: row.campaign_id, message_id: row.id, type: 'bounce', reason: `${BOUNCES[stat]}: ${reason}`, at: now });
        if (BOUNCES[stat] === 'soft') softBounced.push(row.contact_id);
        else if (error && /^\d+$/.test(error) && NUMBER_DOES_NOT_EXIST.has(Number(error))) unknownNumbers.push(row.contact_id);
      }
    }
    if (delivered.length) {
      await trx.updateTable('messages').set({ status: 'delivered', delivered_at: now }).where('id', 'in', delivered).where('status', '=', 'sent').execute();
    }
    if (events.length) await trx.insertInto('events').values(events).execute();
    if (unknownNumbers.length) {
      await trx.updateTable('contacts').set({ sms_status: 'bounced', updated_at: now }).where('id', 'in', unknownNumbers).where('sms_status', '=', 'subscribed').execute();
    }
    if (softBounced.length) await suppressAfterSoftBounces(trx, 'sms', softBounced, now);
    return unmatched;
  });
}

/**
 * A STOP reply answers the latest SMS sent to that phone: its contact (in that SMS's workspace)
 * is unsubscribed from SMS and the SMS records the unsubscribe. The same phone can be a contact
 * of several workspaces; one that never texted it is not touched. A phone no SMS was ever sent
 * to is unsubscribed wherever it is a contact, as it asks.
 */
async function unsubscribeByReply(ctx: AppContext, phone: string, reply: string): Promise<void> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    // Led by the workspace, as the (workspace_id, phone) index is.
    const contacts = trx
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', 'in', trx.selectFrom('workspaces').select('id'))
      .where('phone', '=', phone)
      .where('erased_at', 'is', null);
    const message = await trx
      .selectFrom('messages as m')
      .innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
      .select(['m.id', 'm.campaign_id', 'm.contact_id', 'm.unsubscribed_at'])
      .where('m.contact_id', 'in', contacts)
      .where('c.channel', '=', 'sms')
      .where('m.sent_at', 'is not', null)
      .orderBy('m.sent_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    await trx
      .updateTable('contacts')
      .set({ sms_status: 'unsubscribed', updated_at: now })
      .where('id', 'in', message ? [message.contact_id] : contacts)
      .where('sms_status', '<>', 'unsubscribed')
      .execute();
    if (!message || message.unsubscribed_at !== null) return;
    await trx.updateTable('messages').set({ unsubscribed_at: now }).where('id', '=', message.id).execute();
    await trx
      .insertInto('events')
      .values({ campaign_id: message.campaign_id, message_id: message.id, type: 'unsubscribe', reason: `SMS reply "${reply.slice(0, 40)}"`, at: now })
      .execute();
  });
}
