/** The shapes of SPEC §7 as the app reads them. */
export type Channel = 'email' | 'sms';
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';

export interface Page<T> {
  total: number;
  items: T[];
  nextCursor: string | null;
}

export interface Contact {
  id: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  fields: Record<string, unknown>;
  emailStatus: string;
  smsStatus: string;
  trackingConsent: boolean;
  createdAt: string;
}

export interface List {
  id: number;
  name: string;
  size: number;
  createdAt?: string;
}

export interface Campaign {
  id: number;
  channel: Channel;
  name: string;
  status: CampaignStatus;
  subject: string | null;
  preheader?: string | null;
  fromEmail: string | null;
  fromName: string | null;
  replyTo?: string | null;
  html: string | null;
  text: string | null;
  body: string | null;
  senderId: string | null;
  listIds: number[];
  parentCampaignId: number | null;
  audienceLabel: string | null;
  scheduledAt?: string | null;
  sentAt: string | null;
  finishedAt?: string | null;
  statusReason?: string | null;
  createdAt: string;
}

export interface Progress {
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  bounced: number;
  failed: number;
  skipped: number;
}

interface Counts {
  total: number;
  human: number;
  unique: number;
  humanUnique: number;
  /** Events of contacts without tracking consent: counted for the campaign, never per person. */
  anonymous: number;
}
/** Open and click-to-open are null for SMS (no opens). */
export interface Rates {
  open: number | null;
  click: number;
  clickToOpen: number | null;
}
export type Breakdown = { name: string; opens: number; clicks: number }[];

export interface Stats {
  recipients: number;
  sent: number;
  received: number;
  skipped: number;
  bounced: { hard: number; soft: number };
  opens: Counts;
  clicks: Counts;
  unsubscribed: number;
  complained: number;
  rates: Rates;
  humanRates: Rates;
  links: { id: number; position: number; url: string; clicks: number; humanClicks: number; uniqueClickers: number; humanUniqueClickers: number }[];
  timeline: { at: string; span: 'hour' | 'day'; opens: number; clicks: number; humanOpens: number; humanClicks: number }[];
  breakdown: { devices: Breakdown; clients: Breakdown; os: Breakdown };
}

export interface RecipientRow {
  contactId: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  status: string;
  received: boolean;
  /** Null for SMS: no opens are tracked. */
  opened: boolean | null;
  opens: number | null;
  clicked: boolean;
  clicks: number;
  links: { linkId: number; url: string; clicks: number }[];
  firstOpenAt: string | null;
  lastOpenAt: string | null;
  firstClickAt: string | null;
  lastClickAt: string | null;
  unsubscribed: boolean;
  bounced: boolean;
  bounceType: string | null;
  complained: boolean;
  trackingConsent: boolean;
}

export interface ImportStatus {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  imported: number;
  updated: number;
  skipped: number;
  errors: { row: number; message: string }[];
  failure?: string | null;
}
