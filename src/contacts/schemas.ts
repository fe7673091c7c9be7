import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable, PageQuery } from '../http/schemas.js';
import { FIELD_NAME } from './normalize.js';

/** What a client may set. */
export const WritableStatus = Type.Union([Type.Literal('subscribed'), Type.Literal('unsubscribed'), Type.Literal('bounced'), Type.Literal('complained')]);
/** What a contact may be: `pending` is an email address signed up through a double opt-in form and not confirmed yet. */
export const SubscriptionStatus = Type.Union([...WritableStatus.anyOf, Type.Literal('pending')]);

/** Proof of a contact's consent (SPEC §12): when, where from, the text shown, the truncated address and the browser. */
export const Consent = Type.Object({
  at: IsoDate,
  /** `form:<id>` for a sign-up form. */
  source: Type.String(),
  formId: Nullable(Type.Integer()),
  text: Type.String(),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});
export type Consent = Static<typeof Consent>;

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
    /** On GET /api/contacts/:id only. */
    consents: Type.Optional(Type.Array(Consent)),
    /** The lists the contact is in; on GET /api/contacts/:id only. */
    listIds: Type.Optional(Type.Array(Type.Integer())),
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
  emailStatus: Type.Optional(WritableStatus),
  smsStatus: Type.Optional(WritableStatus),
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
  {
    id: Type.Integer(),
    name: Type.String(),
    /** Members who are not pending. */
    size: Type.Integer(),
    /** Members who signed up and have not confirmed yet (no campaign reaches them). */
    pending: Type.Integer(),
    /** The name subscribers see on forms and the preference page (the name when null). */
    publicName: Nullable(Type.String()),
    /** Whether subscribers may join or leave it on the preference page. */
    onPreferences: Type.Boolean(),
    createdAt: IsoDate,
  },
  { $id: 'List' },
);
export type List = Static<typeof List>;

export const ListWrite = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    publicName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    onPreferences: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

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
    /** Problems by row: a skipped row, or a cell the row was imported without (its column and value). */
    errors: Type.Array(
      Type.Object({ row: Type.Integer(), message: Type.String(), column: Nullable(Type.String()), value: Nullable(Type.String()), skipped: Type.Boolean() }),
    ),
    errorsTruncated: Type.Boolean(),
    columns: Type.Array(Type.Object({ header: Type.String(), target: Type.String() })),
    encoding: Type.String(),
    defaultCountry: Nullable(Type.String()),
    failure: Nullable(Type.String()),
    createdAt: IsoDate,
    finishedAt: Nullable(IsoDate),
  },
  { $id: 'Import' },
);
export type ImportStatus = Static<typeof ImportStatus>;

/** A gesture on contacts selected in the table; every id must be a live contact of the workspace, else nothing changes (404). */
export const BulkRequest = Type.Object(
  {
    ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }),
    action: Type.Union([Type.Literal('addToList'), Type.Literal('removeFromList'), Type.Literal('unsubscribe')]),
    /** The list, for addToList and removeFromList. */
    listId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type BulkRequest = Static<typeof BulkRequest>;
export const BulkResult = Type.Object({ action: Type.String(), contacts: Type.Integer(), changed: Type.Integer() }, { $id: 'BulkResult' });
export type BulkResult = Static<typeof BulkResult>;

/** Erasing a selection: as many single erasures, each with its own activity line. */
export const BulkEraseRequest = Type.Object({ ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });
