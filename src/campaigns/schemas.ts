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
});
export type CampaignQuery = Static<typeof CampaignQuery>;

export const SendRequest = Type.Object(
  { at: Type.Optional(IsoDate) },
  { additionalProperties: false },
);
export type SendRequest = Static<typeof SendRequest>;

export const TestSendRequest = Type.Object(
  { emails: Type.Array(Type.String({ minLength: 3, maxLength: 320 }), { minItems: 1, maxItems: 10 }) },
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
