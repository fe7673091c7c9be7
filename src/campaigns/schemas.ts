import { Type, type Static } from '@sinclair/typebox';
import { Design } from '../designs/schema.js';
import { IsoDate, Nullable, PageQuery } from '../http/schemas.js';
import { TemplateId } from '../templates/schemas.js';

export const ChannelName = Type.Union([Type.Literal('email'), Type.Literal('sms')]);
export type ChannelName = Static<typeof ChannelName>;
export const CampaignStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('sending'),
  Type.Literal('paused'),
  Type.Literal('sent'),
  Type.Literal('cancelled'),
]);
export type CampaignStatus = Static<typeof CampaignStatus>;

export const VariantKey = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')]);
export type VariantKey = Static<typeof VariantKey>;

/** What a variant changes; what it leaves out is the campaign's own. SMS variants change `body` only. */
export const AbVariant = Type.Object(
  {
    key: VariantKey,
    subject: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    fromName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    html: Type.Optional(Nullable(Type.String({ maxLength: 2_000_000 }))),
    design: Type.Optional(Nullable(Design)),
    body: Type.Optional(Nullable(Type.String({ maxLength: 5_000 }))),
  },
  { additionalProperties: false },
);
export type AbVariant = Static<typeof AbVariant>;

export const AbCriterion = Type.Union([Type.Literal('humanClickRate'), Type.Literal('humanOpenRate'), Type.Literal('clickToOpen')]);
export type AbCriterion = Static<typeof AbCriterion>;

/** SPEC §11: 2–4 variants keyed A, B, … in order; a test group of 10–50 % split evenly; the leader on human events goes to the rest. */
export const AbTest = Type.Object(
  {
    variants: Type.Array(AbVariant, { minItems: 2, maxItems: 4 }),
    testPercent: Type.Integer({ minimum: 10, maximum: 50 }),
    criterion: Type.Optional(AbCriterion),
    waitMinutes: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
  },
  { additionalProperties: false, $id: 'AbTest' },
);
export type AbTest = Static<typeof AbTest>;

/** How the test went: testing until the wait ends, decided once the winner goes to the rest, sent when they all have it. */
export const AbState = Type.Object({
  status: Type.Union([Type.Literal('testing'), Type.Literal('decided'), Type.Literal('sent')]),
  winner: Nullable(VariantKey),
  reason: Nullable(Type.String()),
  /** When the wait ends (testing), or when the winner was chosen. */
  decideAt: Nullable(IsoDate),
  decidedAt: Nullable(IsoDate),
});
export type AbState = Static<typeof AbState>;

export const Campaign = Type.Object(
  {
    id: Type.Integer(),
    channel: ChannelName,
    name: Type.String(),
    status: CampaignStatus,
    subject: Nullable(Type.String()),
    preheader: Nullable(Type.String()),
    fromEmail: Nullable(Type.String()),
    fromName: Nullable(Type.String()),
    replyTo: Nullable(Type.String()),
    /** Compiled from `design` when the campaign has one. */
    html: Nullable(Type.String()),
    /** The designer's document (SPEC §10); null for hand-written HTML and SMS. */
    design: Nullable(Design),
    /** Null when the text part is generated from the HTML. */
    text: Nullable(Type.String()),
    body: Nullable(Type.String()),
    senderId: Nullable(Type.String()),
    listIds: Type.Array(Type.Integer()),
    parentCampaignId: Nullable(Type.Integer()),
    audienceLabel: Nullable(Type.String()),
    scheduledAt: Nullable(IsoDate),
    sentAt: Nullable(IsoDate),
    finishedAt: Nullable(IsoDate),
    statusReason: Nullable(Type.String()),
    abTest: Nullable(AbTest),
    /** Null until an A/B campaign starts sending. */
    ab: Nullable(AbState),
    /** Set when the send leaves out contacts who ignored their last N campaigns (SPEC §11). */
    excludeDormant: Nullable(Type.Integer()),
    archivedAt: Nullable(IsoDate),
    /** The advanced filter a relaunch's audience was taken with (the Filter schema), or null. */
    audienceFilter: Nullable(Type.Unknown()),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { $id: 'Campaign' },
);
export type Campaign = Static<typeof Campaign>;

const text = (maxLength: number) => Type.String({ maxLength });
const optionalText = (maxLength: number) => Type.Optional(Nullable(text(maxLength)));

/** Fields a client may write; which ones are required depends on the channel (checked in campaigns.ts). */
const writable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  subject: optionalText(500),
  preheader: optionalText(500),
  fromEmail: optionalText(320),
  fromName: optionalText(200),
  replyTo: optionalText(320),
  html: optionalText(2_000_000),
  /** A design: the server compiles it to `html`. Null (with `html`) turns a designed campaign into hand-written HTML. */
  design: Type.Optional(Nullable(Design)),
  text: optionalText(1_000_000),
  body: optionalText(5_000),
  senderId: optionalText(20),
  listIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 }),
  /** An A/B test; null removes it. */
  abTest: Type.Optional(Nullable(AbTest)),
};

export const CampaignCreate = Type.Object(
  {
    channel: Type.Optional(ChannelName),
    ...writable,
    /** Starts from a template: a copy of its design or HTML (instead of `design` or `html`). */
    templateId: Type.Optional(TemplateId),
  },
  { additionalProperties: false },
);
export type CampaignCreate = Static<typeof CampaignCreate>;

export const CampaignPatch = Type.Partial(Type.Object(writable), { additionalProperties: false });
export type CampaignPatch = Static<typeof CampaignPatch>;

export const CampaignQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(CampaignStatus),
  channel: Type.Optional(ChannelName),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  /** Archived campaigns are left out unless asked for. */
  archived: Type.Optional(Type.Boolean()),
});
export type CampaignQuery = Static<typeof CampaignQuery>;

export const SendRequest = Type.Object(
  {
    at: Type.Optional(IsoDate),
    /** Leaves out the audience's contacts who ignored their last `lastN` campaigns (the relaunch guard). */
    excludeDormant: Type.Optional(Type.Boolean()),
    lastN: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);
export type SendRequest = Static<typeof SendRequest>;

export const TestSendRequest = Type.Object(
  {
    emails: Type.Array(Type.String({ minLength: 3, maxLength: 320 }), { minItems: 1, maxItems: 10 }),
    /** The A/B variant to send a copy of; A by default. */
    variant: Type.Optional(VariantKey),
  },
  { additionalProperties: false },
);
export type TestSendRequest = Static<typeof TestSendRequest>;

export const TestSendResult = Type.Object(
  {
    sent: Type.Array(Type.String()),
    failed: Type.Array(Type.Object({ email: Type.String(), reason: Type.String() })),
  },
  { $id: 'TestSendResult' },
);
export type TestSendResult = Static<typeof TestSendResult>;

export const Progress = Type.Object(
  {
    total: Type.Integer(),
    queued: Type.Integer(),
    sent: Type.Integer(),
    delivered: Type.Integer(),
    bounced: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
    /** Messages whose worker died mid-send and that were sent again: each is a possible duplicate. */
    reclaimed: Type.Integer(),
  },
  { $id: 'CampaignProgress' },
);
export type Progress = Static<typeof Progress>;

export const WinnerRequest = Type.Object({ variant: VariantKey }, { additionalProperties: false });
export type WinnerRequest = Static<typeof WinnerRequest>;

/** Of the audience (a draft's lists, or a sent campaign's view), those who were sent each of their last `lastN` campaigns and made no human open or click in any. */
export const GuardResult = Type.Object({ total: Type.Integer(), dormant: Type.Integer(), lastN: Type.Integer() }, { $id: 'GuardResult' });
export type GuardResult = Static<typeof GuardResult>;

export const CheckItem = Type.Object({
  code: Type.String(),
  level: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  /** The variant the finding is about, for an A/B campaign. */
  variant: Type.Optional(VariantKey),
});
export type CheckItem = Static<typeof CheckItem>;
export const CheckResult = Type.Object({ items: Type.Array(CheckItem) }, { $id: 'CheckResult' });
export type CheckResult = Static<typeof CheckResult>;
