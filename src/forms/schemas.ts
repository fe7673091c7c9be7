import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable } from '../http/schemas.js';

/** A form's slug, its hosted page's path: /f/<slug>. */
export const SLUG = /^[a-z0-9-]{3,60}$/;

/** The contact fields a form may ask for besides the email (always asked, always required). */
export const BUILT_IN_FIELDS = ['phone', 'firstName', 'lastName'] as const;

export const FormFieldInput = Type.Object(
  {
    /** `phone`, `firstName`, `lastName`, or the name of one of the workspace's custom fields. */
    name: Type.String({ minLength: 1, maxLength: 64 }),
    label: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FormFieldInput = Static<typeof FormFieldInput>;

export const FormField = Type.Object({
  name: Type.String(),
  /** What the page shows: the label given, else a default (the custom field's name). */
  label: Type.String(),
  required: Type.Boolean(),
  /** How the page asks for it: the built-in field, or the custom field's type. */
  type: Type.Union([
    Type.Literal('phone'),
    Type.Literal('firstName'),
    Type.Literal('lastName'),
    Type.Literal('string'),
    Type.Literal('number'),
    Type.Literal('boolean'),
    Type.Literal('date'),
  ]),
});
export type FormField = Static<typeof FormField>;

const MESSAGE_LIMITS = { thankYou: 2_000, confirmed: 2_000, confirmationSubject: 300, confirmationHtml: 100_000 } as const;

/** Texts a form shows and sends; null or blank puts the default back. */
export const FormMessagesInput = Type.Object(
  {
    /** Plain text shown after posting the form (the same answer whoever posted). */
    thankYou: Type.Optional(Nullable(Type.String({ maxLength: MESSAGE_LIMITS.thankYou }))),
    /** Plain text shown once the confirmation link's Confirm button was pressed. */
    confirmed: Type.Optional(Nullable(Type.String({ maxLength: MESSAGE_LIMITS.confirmed }))),
    /** Liquid: {{ form.name }}, {{ contact.firstName }}. */
    confirmationSubject: Type.Optional(Nullable(Type.String({ maxLength: MESSAGE_LIMITS.confirmationSubject }))),
    /** Liquid HTML; must use {{ confirm_url }}. Also {{ form.name }}, {{ contact.firstName }}, {{ contact.lastName }}. */
    confirmationHtml: Type.Optional(Nullable(Type.String({ maxLength: MESSAGE_LIMITS.confirmationHtml }))),
  },
  { additionalProperties: false },
);
export type FormMessagesInput = Static<typeof FormMessagesInput>;

export const FormMessages = Type.Object({
  thankYou: Type.String(),
  confirmed: Type.String(),
  confirmationSubject: Type.String(),
  confirmationHtml: Type.String(),
});
export type FormMessages = Static<typeof FormMessages>;

export const FormStats = Type.Object({
  views: Type.Integer(),
  /** Submissions that created or touched a contact (bots and repeats within the rate limits are not counted). */
  signups: Type.Integer(),
  confirmations: Type.Integer(),
  /** confirmations / signups, 0..1; 0 without sign-ups. */
  confirmationRate: Type.Number(),
});

export const Form = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    slug: Type.String(),
    /** The hosted page. */
    url: Type.String(),
    /** A plain HTML form posting to the hosted page, to paste into any site (no script). */
    embedHtml: Type.String(),
    listIds: Type.Array(Type.Integer()),
    fields: Type.Array(FormField),
    doubleOptIn: Type.Boolean(),
    consentText: Type.String(),
    messages: FormMessages,
    stats: FormStats,
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { $id: 'Form' },
);
export type Form = Static<typeof Form>;

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  listIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 50 }),
  fields: Type.Array(FormFieldInput, { maxItems: 30 }),
  doubleOptIn: Type.Boolean(),
  consentText: Type.String({ minLength: 1, maxLength: 5_000 }),
  messages: FormMessagesInput,
  slug: Type.String({ pattern: SLUG.source }),
};

export const FormCreate = Type.Object(
  {
    name: writable.name,
    listIds: writable.listIds,
    fields: Type.Optional(writable.fields),
    doubleOptIn: Type.Optional(writable.doubleOptIn),
    consentText: writable.consentText,
    messages: Type.Optional(writable.messages),
    slug: Type.Optional(writable.slug),
  },
  { additionalProperties: false },
);
export type FormCreate = Static<typeof FormCreate>;

export const FormPatch = Type.Partial(Type.Object(writable), { additionalProperties: false });
export type FormPatch = Static<typeof FormPatch>;

export const FormPreview = Type.Object({ html: Type.String() });
