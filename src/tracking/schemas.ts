import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable, PageQuery } from '../http/schemas.js';
import { SubscriptionStatus } from '../contacts/schemas.js';

export const BounceWebhook = Type.Object(
  {
    messageId: Type.Optional(Type.Integer({ minimum: 1 })),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    /** With `email`: the campaign whose message bounced (default: the newest email sent to that address). */
    campaignId: Type.Optional(Type.Integer({ minimum: 1 })),
    type: Type.Union([Type.Literal('hard'), Type.Literal('soft'), Type.Literal('complaint')]),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type BounceWebhook = Static<typeof BounceWebhook>;


export const BounceResult = Type.Object(
  {
    matched: Type.Boolean(),
    type: Nullable(Type.Union([Type.Literal('hard'), Type.Literal('soft'), Type.Literal('complaint')])),
    messageId: Nullable(Type.Integer()),
    contactId: Nullable(Type.Integer()),
    /** False when the message and contact already carried this outcome. */
    changed: Type.Boolean(),
    /** The contact's status on the message's channel afterwards. */
    contactStatus: Nullable(SubscriptionStatus),
  },
  { $id: 'BounceResult' },
);
export type BounceResult = Static<typeof BounceResult>;

export const InboundResult = Type.Composite(
  [BounceResult, Type.Object({ report: Type.Union([Type.Literal('dsn'), Type.Literal('arf')]), recipient: Nullable(Type.String()) })],
  { $id: 'InboundResult' },
);

export const UnmatchedQuery = Type.Object({ ...PageQuery });
export type UnmatchedQuery = Static<typeof UnmatchedQuery>;

export const UnmatchedReport = Type.Object(
  {
    id: Type.Integer(),
    receivedAt: IsoDate,
    /** dsn or arf: a raw report (inbound-email); webhook: POST /api/webhooks/bounces by address. */
    kind: Type.Union([Type.Literal('dsn'), Type.Literal('arf'), Type.Literal('webhook')]),
    type: Nullable(Type.Union([Type.Literal('hard'), Type.Literal('soft'), Type.Literal('complaint')])),
    recipient: Nullable(Type.String()),
    /** The campaign the report named (a campaign-level token, or the webhook's campaignId), which never went to this address. */
    campaignId: Nullable(Type.Integer()),
    reason: Nullable(Type.String()),
    /** Message-IDs and relay ids quoted by the report, none of them ours. */
    originalIds: Type.Array(Type.String()),
  },
  { $id: 'UnmatchedReport' },
);

const Counts = Type.Object({
  total: Type.Integer(),
  human: Type.Integer(),
  unique: Type.Integer(),
  humanUnique: Type.Integer(),
  /** Events of contacts without tracking consent: counted for the campaign, never per person (not in unique). */
  anonymous: Type.Integer(),
});

const Rates = Type.Object({
  open: Nullable(Type.Number()),
  click: Type.Number(),
  clickToOpen: Nullable(Type.Number()),
});

/** One A/B variant (SPEC §11): its recipients counted as the campaign's, and the probability that it is best on the test's criterion. */
const VariantStats = Type.Object({
  key: Type.String(),
  sent: Type.Integer(),
  received: Type.Integer(),
  opens: Type.Object({ total: Type.Integer(), human: Type.Integer(), unique: Type.Integer(), humanUnique: Type.Integer() }),
  clicks: Type.Object({ total: Type.Integer(), human: Type.Integer(), unique: Type.Integer(), humanUnique: Type.Integer() }),
  rates: Rates,
  humanRates: Rates,
  probabilityBest: Type.Number(),
});

const AbCriterion = Type.Union([Type.Literal('humanClickRate'), Type.Literal('humanOpenRate'), Type.Literal('clickToOpen')]);

/** The test's state: testing until decideAt, decided (the winner goes to the rest), sent. */
const AbSummary = Type.Object({
  status: Type.Union([Type.Literal('testing'), Type.Literal('decided'), Type.Literal('sent')]),
  winner: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  criterion: AbCriterion,
  decideAt: Nullable(IsoDate),
  decidedAt: Nullable(IsoDate),
});

const Breakdown = Type.Array(Type.Object({ name: Type.String(), opens: Type.Integer(), clicks: Type.Integer() }));

export const CampaignStats = Type.Object(
  {
    campaignId: Type.Integer(),
    channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
    recipients: Type.Integer(),
    sent: Type.Integer(),
    received: Type.Integer(),
    skipped: Type.Integer(),
    bounced: Type.Object({ hard: Type.Integer(), soft: Type.Integer() }),
    opens: Counts,
    clicks: Counts,
    unsubscribed: Type.Integer(),
    complained: Type.Integer(),
    rates: Rates,
    humanRates: Rates,
    links: Type.Array(
      Type.Object({
        id: Type.Integer(),
        position: Type.Integer(),
        url: Type.String(),
        clicks: Type.Integer(),
        humanClicks: Type.Integer(),
        uniqueClickers: Type.Integer(),
        humanUniqueClickers: Type.Integer(),
      }),
    ),
    timeline: Type.Array(
      Type.Object({ at: IsoDate, span: Type.Union([Type.Literal('hour'), Type.Literal('day')]), opens: Type.Integer(), clicks: Type.Integer(), humanOpens: Type.Integer(), humanClicks: Type.Integer() }),
    ),
    /** Every event by device, client and system; `human` the same with people's events only. */
    breakdown: Type.Object({ devices: Breakdown, clients: Breakdown, os: Breakdown, human: Type.Object({ devices: Breakdown, clients: Breakdown, os: Breakdown }) }),
    /** A/B variants in key order; empty without a test. */
    variants: Type.Array(VariantStats),
    ab: Nullable(AbSummary),
  },
  { $id: 'CampaignStats' },
);
export type CampaignStats = Static<typeof CampaignStats>;
