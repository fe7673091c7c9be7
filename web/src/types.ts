/**
 * The shapes of SPEC §7 as the app reads them: the server's own schema types.
 * Type imports only, so no server code enters the bundle.
 */
import type { Static } from '@sinclair/typebox';
import type { CreateListResult, Lineage, Recipient, RelaunchResult, SavedView, SegmentName, Summary } from '../../src/audience/schemas.js';
import type { Session as ServerSession } from '../../src/auth/schemas.js';
import type { Right } from '../../src/http/access.js';
import type { Role } from '../../src/db/schema.js';
import type { Campaign, CampaignStatus, ChannelName, Progress, TestSendResult } from '../../src/campaigns/schemas.js';
import type { Contact, ImportStatus, List } from '../../src/contacts/schemas.js';
import type { SmsPreview } from '../../src/delivery/sms/schemas.js';
import type { OutboxEntry } from '../../src/delivery/schemas.js';
import type { ErrorResponse, Page as PageSchema } from '../../src/http/schemas.js';
import type { CampaignStats } from '../../src/tracking/schemas.js';

export type {
  Campaign,
  CampaignStatus,
  CampaignStats,
  Contact,
  CreateListResult,
  ErrorResponse,
  ImportStatus,
  Lineage,
  List,
  OutboxEntry,
  Progress,
  Recipient,
  RelaunchResult,
  SavedView,
  SegmentName,
  Right,
  Role,
  SmsPreview,
  Summary,
  TestSendResult,
};

export type Channel = ChannelName;

/** A page of any list: the server builds each one with Page(item). */
export type Page<T> = Omit<Static<ReturnType<typeof PageSchema>>, 'items'> & { items: T[] };

/** Open and click-to-open are null for SMS (no opens). */
export type Rates = CampaignStats['rates'];
export type Breakdown = CampaignStats['breakdown']['devices'];

/** A workspace the user belongs to, with their role there. */
export interface WorkspaceSummary {
  id: number;
  name: string;
  role: Role;
}

/** The signed-in user, the workspace the request acted in (with the rights the role gives) and all of theirs. */
export type Session = Omit<ServerSession, 'workspace' | 'workspaces'> & {
  workspace: (WorkspaceSummary & { rights: Right[] }) | null;
  workspaces: WorkspaceSummary[];
};

export interface Member {
  userId: number;
  email: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: number;
  email: string;
  role: Role;
  expiresAt: string;
  invitedBy: string | null;
}

export interface InvitationCreated {
  invitation: Omit<Invitation, 'invitedBy'>;
  inviteUrl: string;
}

/** What an invitation link shows before it is accepted. */
export interface InvitationInfo {
  workspace: { id: number; name: string };
  email: string;
  role: Role;
  accountExists: boolean;
  expiresAt: string;
}

export interface ApiKey {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type RecordStatus = 'unchecked' | 'valid' | 'missing' | 'mismatch' | 'unreachable';

export interface SendingDomain {
  id: number;
  domain: string;
  selector: string;
  createdAt: string;
  checkedAt: string | null;
  verified: boolean;
  records: { purpose: 'dkim' | 'spf' | 'dmarc'; type: 'TXT'; name: string; value: string; status: RecordStatus; found?: string[] }[];
  check?: { ok: boolean; message: string };
}

/** One line of the workspace's activity (GET /api/audit), newest first. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { type: string; id: number | null; name: string };
  action: string;
  objectType: string;
  objectId: number | null;
  details: Record<string, unknown>;
}
