import { Type, type Static } from '@sinclair/typebox';
import { MANAGE } from '../http/access.js';
import type { Api } from '../http/api.js';
import { Nullable, PageQuery } from '../http/schemas.js';
import { listAudit } from './audit.js';

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

export function auditRoutes(app: Api): void {
  app.get(
    '/api/audit',
    {
      config: MANAGE,
      schema: {
        tags: ['audit'],
        summary: "The workspace's activity, newest first",
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Object({ items: Type.Array(AuditRecord), nextCursor: Nullable(Type.String()) }) },
      },
    },
    (req) => listAudit(req.ctx, req.query),
  );
}
