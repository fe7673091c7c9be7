import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A column with a database default: optional on insert. */
type Default<T> = ColumnType<T, T | undefined, T>;

/*
 * Conventions shared by both dialects, so that nothing above src/db branches on them:
 * - times are integer milliseconds since the epoch (UTC), columns named *_at;
 * - booleans are integers 0/1;
 * - JSON columns hold text on SQLite and jsonb on PostgreSQL; read them with dialect.readJson.
 */

/** Roles from most to least (SPEC §9); what each may do is src/http/access.ts. */
export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
/** pending: signed up through a double opt-in form and not confirmed yet; no campaign reaches it. */
export type EmailStatus = 'subscribed' | 'unsubscribed' | 'bounced' | 'complained' | 'pending';
export type Channel = 'email' | 'sms';
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';
/**
 * queued: waiting to be sent (or leased by a worker while lease_until is in the future);
 * sent: accepted by the relay/SMSC, delivery not yet known (SMS waiting for a receipt);
 * delivered: received (email: accepted and not bounced; SMS: receipt says delivered);
 * bounced, failed (gave up without a bounce), skipped (never attempted: skip_reason says why).
 */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'skipped';
export type EventType = 'open' | 'click' | 'unsubscribe' | 'bounce' | 'complaint' | 'delivered';

export interface ContactsTable {
  workspace_id: number;
  id: Generated<number>;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  fields: unknown;
  email_status: Default<EmailStatus>;
  sms_status: Default<EmailStatus>;
  tracking_consent: Default<number>;
  created_at: number;
  updated_at: number;
  /** Set when the contact was erased: personal data is gone, the row keeps counts anonymous. */
  erased_at: number | null;
  /** How many of its latest campaigns in a row reached it without a human open or click; kept by triggers (migration 010). */
  ignored_streak: Default<number>;
}

export type CustomFieldType = 'string' | 'number' | 'boolean' | 'date';

export interface CustomFieldsTable {
  workspace_id: number;
  name: string;
  type: CustomFieldType;
  created_at: number;
}

export interface ListsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  /** The name subscribers see on the preference page and forms (the list's name when null). */
  public_name: string | null;
  /** 1 when subscribers may join or leave it on the preference page. */
  on_preferences: Default<number>;
  created_at: number;
}

export interface ListMembersTable {
  list_id: number;
  contact_id: number;
  added_at: number;
}

export interface CampaignsTable {
  workspace_id: number;
  id: Generated<number>;
  channel: Channel;
  name: string;
  status: Default<CampaignStatus>;
  subject: string | null;
  preheader: string | null;
  from_name: string | null;
  from_email: string | null;
  reply_to: string | null;
  html: string | null;
  /** The designer's block document (src/designs/schema.ts); html is compiled from it when set. */
  design: unknown;
  text: string | null;
  body: string | null;
  sender_id: string | null;
  list_ids: unknown;
  parent_campaign_id: number | null;
  audience_label: string | null;
  /** 1 when the audience is the snapshot in campaign_audience rather than list_ids. */
  audience_snapshot: Default<number>;
  scheduled_at: number | null;
  sent_at: number | null;
  finished_at: number | null;
  status_reason: string | null;
  /** Messages sent again after their worker died mid-send (possible duplicates). */
  reclaimed: Default<number>;
  /** The A/B test (campaigns/schemas.ts AbTest) and its course: see migration 009. */
  ab_test: unknown;
  ab_seed: number | null;
  ab_status: 'testing' | 'decided' | 'sent' | null;
  ab_winner: string | null;
  ab_reason: string | null;
  ab_decide_at: number | null;
  ab_decided_at: number | null;
  /** N when the send leaves out contacts who ignored their last N campaigns. */
  exclude_dormant: number | null;
  archived_at: number | null;
  /** The filter of the view a relaunch's audience was taken from (audience/filter.ts). */
  audience_filter: unknown;
  created_at: number;
  updated_at: number;
}

/** Contacts frozen into a campaign's audience (a relaunch's snapshot of the active view). */
export interface CampaignAudienceTable {
  campaign_id: number;
  contact_id: number;
}

export interface LinksTable {
  id: Generated<number>;
  campaign_id: number;
  /** The link's number inside its campaign (1..n), carried in tracking tokens. */
  position: number;
  url: string;
  /** link | honeypot */
  kind: Default<string>;
  /** The A/B variant whose content holds the link; null without a test. */
  variant: string | null;
}

export interface MessagesTable {
  id: Generated<number>;
  campaign_id: number;
  contact_id: number;
  status: Default<MessageStatus>;
  skip_reason: string | null;
  attempts: Default<number>;
  next_attempt_at: Default<number>;
  lease_owner: string | null;
  lease_until: number | null;
  /** Id given by the relay or SMSC, used to match delivery receipts and bounces. */
  provider_id: string | null;
  sent_at: number | null;
  delivered_at: number | null;
  bounce_type: string | null;
  bounce_reason: string | null;
  opens: Default<number>;
  human_opens: Default<number>;
  clicks: Default<number>;
  human_clicks: Default<number>;
  first_open_at: number | null;
  last_open_at: number | null;
  first_human_open_at: number | null;
  last_human_open_at: number | null;
  first_click_at: number | null;
  last_click_at: number | null;
  first_human_click_at: number | null;
  last_human_click_at: number | null;
  unsubscribed_at: number | null;
  complained_at: number | null;
  /** Kept by triggers from the contact (migration 004): 0 behaviour usable, 1 tracking consent off, 2 erased. */
  contact_state: Default<number>;
  /** The A/B variant this recipient gets ("A", "B", …); null without a test, or until a winner is chosen for the rest. */
  variant: string | null;
  /** 1 when the recipient waited for the winner rather than being in the test group. */
  ab_rest: number | null;
  /** Links clicked, as bits (position − 1), for positions up to 52 (migration 012); kept by triggers on message_links. */
  clicked_links: Default<number>;
  human_clicked_links: Default<number>;
}

export interface MessageLinksTable {
  message_id: number;
  link_id: number;
  campaign_id: number;
  clicks: Default<number>;
  human_clicks: Default<number>;
  first_click_at: number;
  last_click_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  campaign_id: number;
  /** Null for anonymous events (contacts without tracking consent). */
  message_id: number | null;
  link_id: number | null;
  type: EventType;
  human: Default<number>;
  reason: string | null;
  user_agent: string | null;
  ip: string | null;
  at: number;
}

/** The folder's position in the event log (migration 011). */
export interface TrackingFolderTable {
  name: string;
  folded_id: number;
  folded_at: number | null;
}

export interface TrackingBatchesTable {
  key: string;
  at: number;
}

export interface SmsShortLinksTable {
  code: string;
  message_id: number | null;
  campaign_id: number;
  link_id: number;
}

export interface ImportsTable {
  workspace_id: number;
  id: Generated<number>;
  list_id: number | null;
  status: Default<'queued' | 'running' | 'done' | 'failed'>;
  filename: string | null;
  /** The uploaded file, kept until the import is done so that an interrupted import can resume. */
  file_path: string | null;
  /** Delimiter and column mapping decided when the file was received. */
  plan: unknown;
  total: Default<number>;
  processed: Default<number>;
  imported: Default<number>;
  updated: Default<number>;
  skipped: Default<number>;
  failure: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface ImportErrorsTable {
  import_id: number;
  row: number;
  message: string;
}

export interface ApiKeysTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  /** First characters of the key, shown in listings so a key can be recognised. */
  prefix: string;
  hash: string;
  role: Role;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  created_at: number;
}

export interface SessionsTable {
  /** sha256 of the session token held in the cookie. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface SavedViewsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  segment: string | null;
  filter: unknown;
  created_at: number;
}

export interface AutoRelaunchesTable {
  id: Generated<number>;
  campaign_id: number;
  after_days: number;
  segment: string;
  human: Default<number>;
  subject: string | null;
  run_at: number;
  status: Default<'pending' | 'done' | 'cancelled' | 'failed'>;
  relaunch_campaign_id: number | null;
  created_at: number;
}

/** A bounce or complaint report that named no message we sent (nor an address we sent to in the campaign it named): changes nothing. */
export interface UnmatchedReportsTable {
  workspace_id: number;
  id: Generated<number>;
  /** dsn | arf (POST /api/webhooks/inbound-email) or webhook (POST /api/webhooks/bounces). */
  kind: 'dsn' | 'arf' | 'webhook';
  type: 'hard' | 'soft' | 'complaint' | null;
  /** The address the report names, lower-cased. */
  recipient: string | null;
  /** The campaign the report named (an anonymous token, or the webhook's campaignId), unverified beyond that. */
  campaign_id: number | null;
  reason: string | null;
  /** Message-IDs and relay ids the report quoted, space-separated. */
  original_ids: string | null;
  received_at: number;
}

export interface WorkspacesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface WorkspaceMembersTable {
  workspace_id: number;
  user_id: number;
  role: Role;
  created_at: number;
}

/** An invitation to join a workspace: its link is signed with the instance secret and names this row. */
export interface InvitationsTable {
  id: Generated<number>;
  workspace_id: number;
  email: string;
  role: Role;
  invited_by: number | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

export interface SendingDomainsTable {
  id: Generated<number>;
  workspace_id: number;
  /** Lower-cased, without a trailing dot. */
  domain: string;
  /** DKIM selector: the key's record is at <selector>._domainkey.<domain>. */
  selector: string;
  /** The PKCS#8 PEM private key that signs mail From this domain, sealed with AES-256-GCM under a key derived from the instance secret (src/domains/keys.ts). */
  private_key: string;
  /** Base64 DER (SubjectPublicKeyInfo), the p= of the DKIM record. */
  public_key: string;
  created_at: number;
  checked_at: number | null;
  /** The last DNS check, as shown to the user. */
  check_result: unknown;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: number;
  at: number;
  /** user | apikey | system */
  actor_type: string;
  actor_id: number | null;
  /** The user's email or the key's name at the time of the action. */
  actor_name: string;
  action: string;
  object_type: string;
  object_id: number | null;
  details: unknown;
}

/** A workspace's saved email templates (the built-in starters live in code, src/designs/starters.ts). */
export interface TemplatesTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  /** Exactly one of design and html is set. */
  design: unknown;
  html: string | null;
  created_at: number;
  updated_at: number;
}

/** An uploaded image, stored under DATA_DIR/media and served publicly at /media/<file_name>. */
export interface MediaTable {
  workspace_id: number;
  id: Generated<number>;
  /** Random and unguessable, with the extension of the detected type: `<32 hex>.png`. */
  file_name: string;
  content_type: string;
  bytes: number;
  /** The name the file had on the uploader's machine (shown in the media library). */
  original_name: string;
  width: number | null;
  height: number | null;
  created_at: number;
}

export interface FormsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  /** Unique across the instance: the hosted page is /f/<slug>. */
  slug: string;
  list_ids: unknown;
  /** The contact fields the form asks for besides the email (see src/forms/schemas.ts). */
  fields: unknown;
  double_opt_in: Default<number>;
  consent_text: string;
  /** Texts and the confirmation email, JSON: { thankYou, confirmed, confirmationSubject, confirmationHtml }. */
  messages: unknown;
  views: Default<number>;
  created_at: number;
  updated_at: number;
}

/** One submission of a form that created or touched a contact; confirmed when its link's POST came. */
export interface FormSignupsTable {
  id: Generated<number>;
  form_id: number;
  contact_id: number;
  created_at: number;
  confirmed_at: number | null;
  /** An unconfirmed sign-up's pending contact is removed after this time. */
  expires_at: number;
}

/** Proof of consent: what was shown, when, from where (address truncated as tracking's). */
export interface ConsentsTable {
  id: Generated<number>;
  contact_id: number;
  at: number;
  /** form:<id> today. */
  source: string;
  form_id: number | null;
  text: string;
  ip: string | null;
  user_agent: string | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  invitations: InvitationsTable;
  sending_domains: SendingDomainsTable;
  audit_log: AuditLogTable;
  contacts: ContactsTable;
  custom_fields: CustomFieldsTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  campaigns: CampaignsTable;
  campaign_audience: CampaignAudienceTable;
  links: LinksTable;
  messages: MessagesTable;
  message_links: MessageLinksTable;
  events: EventsTable;
  tracking_folder: TrackingFolderTable;
  tracking_batches: TrackingBatchesTable;
  sms_short_links: SmsShortLinksTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  sessions: SessionsTable;
  saved_views: SavedViewsTable;
  auto_relaunches: AutoRelaunchesTable;
  unmatched_reports: UnmatchedReportsTable;
  templates: TemplatesTable;
  media: MediaTable;
  forms: FormsTable;
  form_signups: FormSignupsTable;
  consents: ConsentsTable;
}

export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type CampaignRow = Selectable<CampaignsTable>;
export type MessageRow = Selectable<MessagesTable>;
