import type { TestApp } from './app.js';
import type { CampaignRow } from '../../src/db/schema.js';
import type { WorkspaceContext } from '../../src/context.js';
import type { Channel, CompiledCampaign, Recipient, RenderedSms } from '../../src/delivery/channel.js';
import { loadClaimed } from '../../src/delivery/queue.js';

/**
 * Test helpers for the SMS channel on its own: contacts, list and campaign
 * through the API, one queued message per contact as the sender materialises
 * them, and a small driver loop that renders, sends and records outcomes the
 * way the sender does (sent → provider id, retry → stays queued).
 */

export interface ContactSeed {
  phone?: string;
  email?: string;
  firstName?: string;
  trackingConsent?: boolean;
}

export async function smsCampaign(t: TestApp, contacts: ContactSeed[], body: string, senderId = 'SHOP'): Promise<{ campaign: CampaignRow; contactIds: number[] }> {
  const list = await t.api('POST', '/api/lists', { name: `SMS ${Math.random()}` });
  const contactIds: number[] = [];
  for (const [i, contact] of contacts.entries()) {
    const created = await t.api('POST', '/api/contacts', contact);
    if (created.status !== 201) throw new Error(`contact ${i}: ${JSON.stringify(created.body)}`);
    contactIds.push(created.body.id);
  }
  for (let i = 0; i < contactIds.length; i += 1000) {
    await t.api('POST', `/api/lists/${list.body.id}/contacts`, { contactIds: contactIds.slice(i, i + 1000) });
  }
  const created = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash sale', body, senderId, listIds: [list.body.id] });
  if (created.status !== 201) throw new Error(`campaign: ${JSON.stringify(created.body)}`);
  const { db } = t.ctx.store;
  await db.updateTable('campaigns').set({ status: 'sending', sent_at: t.ctx.now() }).where('id', '=', created.body.id).execute();
  if (contactIds.length) {
    await db
      .insertInto('messages')
      .values(contactIds.map((contact_id) => ({ campaign_id: created.body.id, contact_id })))
      .execute();
  }
  const campaign = await db.selectFrom('campaigns').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
  return { campaign, contactIds };
}

export async function queuedRecipients(ctx: WorkspaceContext, campaignId: number): Promise<Recipient[]> {
  const queued = await ctx.store.db
    .selectFrom('messages')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .orderBy('id')
    .execute();
  return loadClaimed(ctx, queued.map((m) => m.id), 'sms');
}

/** Sends every queued message of the campaign, `concurrency` at a time, until none is left; answers how many rounds it took. */
export async function sendQueued(ctx: WorkspaceContext, compiled: CompiledCampaign, channel: Channel<RenderedSms>, concurrency = 20): Promise<number> {
  const { db } = ctx.store;
  for (let round = 1; round <= 50; round++) {
    const recipients = await queuedRecipients(ctx, compiled.campaign.id);
    if (!recipients.length) return round - 1;
    const rendered = await compiled.renderBatch(recipients);
    let next = 0;
    const worker = async () => {
      while (next < rendered.length) {
        const i = next++;
        const message = rendered[i]!;
        const id = recipients[i]!.messageId;
        if ('skip' in message) {
          await db.updateTable('messages').set({ status: 'skipped', skip_reason: message.skip }).where('id', '=', id).execute();
          continue;
        }
        const outcome = await channel.send(message as RenderedSms);
        if (outcome.status === 'sent' || outcome.status === 'delivered') {
          await db.updateTable('messages').set({ status: outcome.status, provider_id: outcome.providerId ?? null, sent_at: ctx.now() }).where('id', '=', id).execute();
        } else if (outcome.status === 'failed') {
          await db.updateTable('messages').set({ status: 'failed', bounce_reason: outcome.reason }).where('id', '=', id).execute();
        } else if (outcome.status === 'retry') {
          await db.updateTable('messages').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  throw new Error('messages still queued after 50 rounds');
}
