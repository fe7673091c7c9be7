/**
 * The shapes of SPEC §7 as the app reads them: the server's own schema types.
 * Type imports only, so no server code enters the bundle.
 */
import type { Static } from '@sinclair/typebox';
import type { CreateListResult, Lineage, Recipient, RelaunchResult, SavedView, SegmentName, Summary } from '../../src/audience/schemas.js';
import type { Session } from '../../src/auth/schemas.js';
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
  Session,
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
