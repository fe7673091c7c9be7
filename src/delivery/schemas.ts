import { Type, type Static } from '@sinclair/typebox';
import { IsoDate } from '../http/schemas.js';

/** A message in the local outbox (GET /api/outbox). */
export const OutboxEntry = Type.Object({ name: Type.String(), to: Type.String(), subject: Type.String(), date: IsoDate, size: Type.Integer() });
export type OutboxEntry = Static<typeof OutboxEntry>;
