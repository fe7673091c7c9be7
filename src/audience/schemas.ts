import { Type, type Static } from '@sinclair/typebox';
import { Campaign, CampaignStatus, ChannelName } from '../campaigns/schemas.js';
import { IsoDate, Nullable, Page, PageQuery } from '../http/schemas.js';
import { MAX_CONDITIONS, MAX_DEPTH } from './filter.js';
import type { Segment } from './segments.js';

export const SegmentName = Type.Union([Type.Literal('openers'), Type.Literal('clickers'), Type.Literal('active'), Type.Literal('inactive')]) satisfies {
  static: Segment;
};
export type SegmentName = Static<typeof SegmentName>;
const SegmentOrAll = Type.Union([...SegmentName.anyOf, Type.Literal('all')], {
  description: 'openers, clickers, active, inactive (SPEC §2) or all; combined with the filter by AND',
});

export const SORT_KEYS = [
  'contactId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'status',
  'opens',
  'clicks',
  'firstOpenAt',
  'lastOpenAt',
  'firstClickAt',
  'lastClickAt',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const human = Type.Optional(Type.Boolean({ description: 'Count human events only in every open and click condition' }));
const viewId = Type.Optional(Type.Integer({ minimum: 1, description: 'A saved view, instead of segment and filter' }));
/** Bodies take the filter as JSON; its structure is checked by parseFilter, which names the offending node's path. */
const filterInBody = Type.Optional(
  Type.Unknown({ description: `An advanced filter, as the Filter schema: at most ${MAX_DEPTH} levels and ${MAX_CONDITIONS} conditions` }),
);

export const ViewQuery = Type.Object({
  segment: Type.Optional(SegmentOrAll),
  filter: Type.Optional(Type.String({ maxLength: 20_000, description: 'The filter JSON, URL-encoded' })),
  human,
  viewId,
});
export type ViewQuery = Static<typeof ViewQuery>;

export const RecipientsQuery = Type.Object({
  ...ViewQuery.properties,
  ...PageQuery,
  sort: Type.Optional(
    Type.String({
      pattern: `^-?(${SORT_KEYS.join('|')})$`,
      description: `One of ${SORT_KEYS.join(', ')}; a leading - sorts descending`,
    }),
  ),
});
export type RecipientsQuery = Static<typeof RecipientsQuery>;

const ViewBody = { segment: Type.Optional(SegmentOrAll), filter: filterInBody, human, viewId };

export const Recipient = Type.Object(
  {
    contactId: Type.Integer(),
    messageId: Type.Integer(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    status: Type.String(),
    received: Type.Boolean(),
    /** Null for SMS: no opens are tracked. */
    opened: Nullable(Type.Boolean()),
    opens: Nullable(Type.Integer()),
    clicked: Type.Boolean(),
    clicks: Type.Integer(),
    links: Type.Array(Type.Object({ linkId: Type.Integer(), url: Type.String(), clicks: Type.Integer() })),
    firstOpenAt: Nullable(IsoDate),
    lastOpenAt: Nullable(IsoDate),
    firstClickAt: Nullable(IsoDate),
    lastClickAt: Nullable(IsoDate),
    unsubscribed: Type.Boolean(),
    bounced: Type.Boolean(),
    bounceType: Nullable(Type.String()),
    complained: Type.Boolean(),
    /** False when the contact refused tracking: no behaviour is shown or filtered on. */
    trackingConsent: Type.Boolean(),
    /** Opens and clicks made by people (null opens for SMS): the rest of opens and clicks came from privacy proxies and link scanners. */
    humanOpens: Nullable(Type.Integer()),
    humanClicks: Type.Integer(),
    /** The A/B variant the recipient got; null without a test, or while waiting for the winner. */
    variant: Nullable(Type.String()),
  },
  { $id: 'Recipient' },
);
export type Recipient = Static<typeof Recipient>;
export const RecipientsPage = Page(Recipient);

export const Summary = Type.Object(
  {
    total: Type.Integer(),
    segments: Type.Object({
      /** Null for SMS campaigns. */
      openers: Nullable(Type.Integer()),
      clickers: Type.Integer(),
      active: Type.Integer(),
      inactive: Type.Integer(),
    }),
  },
  { $id: 'RecipientsSummary' },
);
export type Summary = Static<typeof Summary>;

export const CreateListRequest = Type.Object(
  {
    ...ViewBody,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    listId: Type.Optional(Type.Integer({ minimum: 1, description: 'Add to this existing list instead of creating one' })),
  },
  { additionalProperties: false },
);
export type CreateListRequest = Static<typeof CreateListRequest>;

export const CreateListResult = Type.Object(
  {
    list: Type.Object({ id: Type.Integer(), name: Type.String(), size: Type.Integer() }),
    /** Contacts in the view, all of them now in the list. */
    count: Type.Integer(),
    /** Of those, how many were not in it before. */
    added: Type.Integer(),
  },
  { $id: 'CreateListResult' },
);
export type CreateListResult = Static<typeof CreateListResult>;

export const ExportRequest = Type.Object(
  { ...ViewBody, sort: RecipientsQuery.properties.sort },
  { additionalProperties: false },
);
export type ExportRequest = Static<typeof ExportRequest>;

export const RelaunchRequest = Type.Object(
  {
    ...ViewBody,
    sendAt: Type.Optional(IsoDate),
    overrides: Type.Optional(
      Type.Object(
        { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), subject: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
        { additionalProperties: false },
      ),
    ),
    /** Leaves out of the snapshot the contacts who ignored their last `lastN` campaigns (the relaunch guard). */
    excludeDormant: Type.Optional(Type.Boolean()),
    lastN: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);
export type RelaunchRequest = Static<typeof RelaunchRequest>;

export const RelaunchResult = Type.Object({ campaign: Campaign, count: Type.Integer() }, { $id: 'RelaunchResult' });
export type RelaunchResult = Static<typeof RelaunchResult>;

export const SavedView = Type.Object(
  { id: Type.Integer(), name: Type.String(), segment: Nullable(SegmentName), filter: Nullable(Type.Unknown()), createdAt: IsoDate },
  { $id: 'SavedView' },
);
export type SavedView = Static<typeof SavedView>;

export const SavedViewWrite = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), segment: Type.Optional(Nullable(SegmentName)), filter: filterInBody },
  { additionalProperties: false },
);
export type SavedViewWrite = Static<typeof SavedViewWrite>;
export const SavedViewPatch = Type.Partial(SavedViewWrite, { additionalProperties: false });
export type SavedViewPatch = Static<typeof SavedViewPatch>;

const Rates = Type.Object({ open: Nullable(Type.Number()), click: Type.Number(), clickToOpen: Nullable(Type.Number()) });

export const Lineage = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        role: Type.Union([Type.Literal('parent'), Type.Literal('campaign'), Type.Literal('relaunch')]),
        campaign: Type.Object({
          id: Type.Integer(),
          name: Type.String(),
          channel: ChannelName,
          status: CampaignStatus,
          audienceLabel: Nullable(Type.String()),
          parentCampaignId: Nullable(Type.Integer()),
          sentAt: Nullable(IsoDate),
        }),
        sent: Type.Integer(),
        received: Type.Integer(),
        openers: Type.Integer(),
        clickers: Type.Integer(),
        unsubscribed: Type.Integer(),
        rates: Rates,
        humanRates: Rates,
      }),
    ),
  },
  { $id: 'Lineage' },
);
export type Lineage = Static<typeof Lineage>;

export const AutoRelaunchRequest = Type.Object(
  {
    afterDays: Type.Integer({ minimum: 0, maximum: 365 }),
    segment: SegmentName,
    human: Type.Optional(Type.Boolean()),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type AutoRelaunchRequest = Static<typeof AutoRelaunchRequest>;

export const AutoRelaunch = Type.Object(
  {
    id: Type.Integer(),
    campaignId: Type.Integer(),
    afterDays: Type.Integer(),
    segment: SegmentName,
    human: Type.Boolean(),
    subject: Nullable(Type.String()),
    runAt: IsoDate,
    status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('cancelled'), Type.Literal('failed')]),
    relaunchCampaignId: Nullable(Type.Integer()),
    createdAt: IsoDate,
  },
  { $id: 'AutoRelaunch' },
);
export type AutoRelaunch = Static<typeof AutoRelaunch>;

export const AutoRelaunchParams = Type.Object({ id: Type.Integer({ minimum: 1 }), autoRelaunchId: Type.Integer({ minimum: 1 }) });
