import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable } from '../http/schemas.js';

/** A message in the local outbox (GET /api/outbox): an email (.eml) or an SMS (.sms.txt). */
export const OutboxEntry = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  to: Type.String(),
  /** An email's subject; for an SMS, the start of its text. */
  subject: Type.String(),
  date: IsoDate,
  size: Type.Integer(),
  /** The campaign the message belongs to; null for test sends and the app's own mail. */
  campaignId: Nullable(Type.Integer()),
});
export type OutboxEntry = Static<typeof OutboxEntry>;

export const OutboxQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  /** Part of the recipient, the subject or an SMS's text, in any case. */
  search: Type.Optional(Type.String({ maxLength: 200 })),
  campaignId: Type.Optional(Type.Integer({ minimum: 1 })),
  kind: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms')])),
});
export type OutboxQuery = Static<typeof OutboxQuery>;
