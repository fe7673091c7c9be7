/**
 * The shapes of SPEC §7 as the app reads them: the server's own schema types.
 * Type imports only, so no server code enters the bundle.
 */
import type { Static } from '@sinclair/typebox';
import type { CreateListResult, Lineage, Recipient, RelaunchResult, SavedView, SegmentName, Summary } from '../../src/audience/schemas.js';
import type { AuditRecord } from '../../src/audit/schemas.js';
import type { Session } from '../../src/auth/schemas.js';
import type { Campaign, CampaignStatus, ChannelName, Progress, TestSendResult } from '../../src/campaigns/schemas.js';
import type { Contact, ImportStatus, List } from '../../src/contacts/schemas.js';
import type { Role } from '../../src/db/schema.js';
import type { SmsPreview } from '../../src/delivery/sms/schemas.js';
import type { OutboxEntry } from '../../src/delivery/schemas.js';
import type { SendingDomain } from '../../src/domains/schemas.js';
import type { Right } from '../../src/http/access.js';
import type { ErrorResponse, Page as PageSchema } from '../../src/http/schemas.js';
import type { CampaignStats } from '../../src/tracking/schemas.js';
import type { ApiKey, CreatedApiKey, Invitation, InvitationCreated, InvitationPreview, Member, Workspace } from '../../src/workspaces/schemas.js';

export type {
  ApiKey,
  Campaign,
  CampaignStatus,
  CampaignStats,
  Contact,
  CreatedApiKey,
  CreateListResult,
  ErrorResponse,
  ImportStatus,
  Invitation,
  InvitationCreated,
  InvitationPreview,
  Lineage,
  List,
  Member,
  OutboxEntry,
  Progress,
  Recipient,
  RelaunchResult,
  SavedView,
  SegmentName,
  SendingDomain,
  Right,
  Role,
  Session,
  SmsPreview,
  Summary,
  TestSendResult,
  Workspace,
};

export type Channel = ChannelName;

export type { AbCriterion, AbTest, AbVariant, CheckItem, CheckResult, GuardResult, VariantKey } from '../../src/campaigns/schemas.js';

export type { Dashboard } from '../../src/campaigns/dashboardSchemas.js';
export type { BulkResult } from '../../src/contacts/schemas.js';

/** A page of any list: the server builds each one with Page(item). */
export type Page<T> = Omit<Static<ReturnType<typeof PageSchema>>, 'items'> & { items: T[] };

/** Open and click-to-open are null for SMS (no opens). */
export type Rates = CampaignStats['rates'];
export type Breakdown = CampaignStats['breakdown']['devices'];

export type RecordStatus = SendingDomain['records'][number]['status'];

/** One line of the workspace's activity (GET /api/audit), newest first. */
export type AuditEntry = AuditRecord;
