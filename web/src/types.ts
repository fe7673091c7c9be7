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

export interface Stats {
  sent: number;
  received: number;
  bounced: { hard: number; soft: number };
  opens: { total: number; unique: number; humanUnique: number; human?: number };
  clicks: { total: number; unique: number; humanUnique: number; human?: number };
  unsubscribed: number;
  complained: number;
  rates: { open: number; click: number; clickToOpen: number; human?: { open: number; click: number; clickToOpen: number } };
  links: { id: number; url: string; position?: number; clicks: number; uniqueClickers: number; humanClicks?: number; humanUniqueClickers?: number }[];
  timeline: { at: string; opens: number; clicks: number; humanOpens?: number; humanClicks?: number }[];
  devices?: { name: string; count: number }[];
  clients?: { name: string; count: number }[];
  [extra: string]: unknown;
}

export interface RecipientRow {
  contactId: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  status: string;
  received: boolean;
  opened: boolean;
  opens: number;
  clicked: boolean;
  clicks: number;
  links: { linkId: number; url: string; clicks: number }[];
  firstOpenAt: string | null;
  lastOpenAt: string | null;
  firstClickAt: string | null;
  lastClickAt: string | null;
  unsubscribed: boolean;
  bounced: boolean | string | null;
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
