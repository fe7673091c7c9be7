import type { CampaignRow } from '../db/schema.js';
import type { DkimKey } from '../domains/domains.js';

/**
 * The seam between the sender and the ways a message leaves Ricochet
 * (SMTP, SMPP, the local outbox). The sender claims recipients, asks the
 * campaign's compiled template to render a batch, hands each rendered message
 * to the channel and records the outcome.
 */

/** One recipient as the sender claims it: the message row joined with its contact. */
export interface Recipient {
  messageId: number;
  campaignId: number;
  contactId: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  fields: Record<string, unknown>;
  trackingConsent: boolean;
  /** The A/B variant it gets; absent or null without a test (and for test sends and previews: variant A). */
  variant?: string | null;
}

export interface RenderedEmail {
  kind: 'email';
  /** The workspace it is sent for: its outbox copy is shown to that workspace only. */
  workspaceId: number;
  messageId: number;
  to: string;
  from: { name: string | null; address: string };
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** Mail whose outbox copy only those with the manage right may read (an invitation: its link grants a role). */
  managersOnly?: boolean;
  /** The key of the workspace's sending domain of the From address; without one, the instance's DKIM_* key signs (if set). */
  dkim?: DkimKey;
}

export interface RenderedSms {
  kind: 'sms';
  /** The workspace it is sent for: its outbox copy is shown to that workspace only. */
  workspaceId: number;
  messageId: number;
  /** E.164 */
  to: string;
  /** Alphanumeric sender id (≤ 11 characters) or a number. */
  from: string;
  text: string;
}

export type Rendered = RenderedEmail | RenderedSms;

/** What a channel says about one message. */
export type SendOutcome =
  /** Accepted; `delivered` when acceptance means received (email 250), `sent` when a receipt will tell (SMS). */
  | { status: 'sent' | 'delivered'; providerId?: string }
  /**
   * Temporary failure (SMTP 4xx, connection lost, SMPP throttling): try again later.
   * `throttled`: the peer asked us to slow down, which says nothing about the campaign's health.
   */
  | { status: 'retry'; reason: string; throttled?: boolean }
  /** Permanent failure for this recipient (SMTP 5xx). */
  | { status: 'bounced'; type: 'hard' | 'soft'; reason: string }
  /** Given up without a bounce (e.g. SMSC rejected the message as malformed). */
  | { status: 'failed'; reason: string };

export interface Channel<M extends Rendered = Rendered> {
  send(message: M): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** A campaign's template compiled once; per batch only values and tokens are filled in. */
export interface CompiledCampaign {
  campaign: CampaignRow;
  /** Recipients that cannot be rendered get `{ skip: reason }` instead of a message. */
  renderBatch(recipients: Recipient[]): Promise<Array<Rendered | { skip: string }>>;
}
