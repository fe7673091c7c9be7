import { Type } from '@sinclair/typebox';
import { MANAGE } from '../http/access.js';
import type { Api } from '../http/api.js';
import { Nullable, PageQuery } from '../http/schemas.js';
import { listAudit } from './audit.js';
import { AuditRecord } from './schemas.js';

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
