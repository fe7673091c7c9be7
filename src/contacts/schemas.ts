import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable, PageQuery } from '../http/schemas.js';
import { FIELD_NAME } from './normalize.js';

export const SubscriptionStatus = Type.Union(
  [Type.Literal('subscribed'), Type.Literal('unsubscribed'), Type.Literal('bounced'), Type.Literal('complained'), Type.Literal('pending')],
);

/** The longest values a contact takes, by the API and by CSV import alike. */
export const CONTACT_LIMITS = { email: 320, phone: 40, name: 200, fieldValue: 10_000, fields: 200 } as const;

/** Strings, numbers, booleans; dates are ISO 8601 strings. null removes a field on update. */
export const CustomFields = Type.Record(
  Type.String({ pattern: FIELD_NAME.source }),
  Type.Union([Type.String({ maxLength: CONTACT_LIMITS.fieldValue }), Type.Number(), Type.Boolean(), Type.Null()]),
  { maxProperties: CONTACT_LIMITS.fields },
);

export const Contact = Type.Object(
  {
    id: Type.Integer(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    fields: Type.Record(Type.String(), Type.Unknown()),
    emailStatus: SubscriptionStatus,
    smsStatus: SubscriptionStatus,
    trackingConsent: Type.Boolean(),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { $id: 'Contact' },
);
export type Contact = Static<typeof Contact>;

const contactWritable = {
  email: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.email }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.phone }))),
  firstName: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.name }))),
  lastName: Type.Optional(Nullable(Type.String({ maxLength: CONTACT_LIMITS.name }))),
  fields: Type.Optional(CustomFields),
  emailStatus: Type.Optional(SubscriptionStatus),
  smsStatus: Type.Optional(SubscriptionStatus),
  trackingConsent: Type.Optional(Type.Boolean()),
};

export const ContactCreate = Type.Object(
  { ...contactWritable, listIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 })) },
  { additionalProperties: false },
);
export type ContactCreate = Static<typeof ContactCreate>;

export const ContactPatch = Type.Object(contactWritable, { additionalProperties: false });
export type ContactPatch = Static<typeof ContactPatch>;

export const ContactQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ maxLength: 200 })),
  listId: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ContactQuery = Static<typeof ContactQuery>;

export const List = Type.Object(
  { id: Type.Integer(), name: Type.String(), size: Type.Integer(), createdAt: IsoDate },
  { $id: 'List' },
);
export type List = Static<typeof List>;

export const ListWrite = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const MemberChange = Type.Object(
  { contactIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10000 }) },
  { additionalProperties: false },
);

export const ImportStatus = Type.Object(
  {
    id: Type.Integer(),
    listId: Nullable(Type.Integer()),
    filename: Nullable(Type.String()),
    status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    total: Type.Integer(),
    processed: Type.Integer(),
    imported: Type.Integer(),
    updated: Type.Integer(),
    skipped: Type.Integer(),
    errors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() })),
    errorsTruncated: Type.Boolean(),
    columns: Type.Array(Type.Object({ header: Type.String(), target: Type.String() })),
    failure: Nullable(Type.String()),
    createdAt: IsoDate,
    finishedAt: Nullable(IsoDate),
  },
  { $id: 'Import' },
);
export type ImportStatus = Static<typeof ImportStatus>;
