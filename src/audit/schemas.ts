import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.js';

/** One line of the activity as the API shows it. */
export const AuditRecord = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object({ type: Type.String(), id: Nullable(Type.Integer()), name: Type.String() }),
    action: Type.String(),
    objectType: Type.String(),
    objectId: Nullable(Type.Integer()),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditEntry' },
);
export type AuditRecord = Static<typeof AuditRecord>;
