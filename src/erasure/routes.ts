import { EXPORT } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams } from '../http/schemas.js';
import { eraseContact } from './erase.js';
import { eraseContacts } from './bulk.js';
import { BulkEraseRequest } from '../contacts/schemas.js';
import { Type } from '@sinclair/typebox';

/** Erasing a contact reaches every feature's data (events, messages, outbox copies), so it sits above them all. */
export function erasureRoutes(app: Api): void {
  app.delete('/api/contacts/:id', { config: EXPORT, schema: { tags: ['contacts'], summary: 'Erase a contact: personal data removed everywhere, anonymous counts kept', params: IdParams } }, async (req, reply) => {
    await eraseContact(req.ctx, req.params.id);
    return reply.status(204).send();
  });
  app.post(
    '/api/contacts/bulk/erase',
    {
      config: EXPORT,
      schema: { tags: ['contacts'], summary: 'Erases a selection, each contact as by DELETE /api/contacts/:id; any id not a contact here: 404 and none is erased', body: BulkEraseRequest, response: { 200: Type.Object({ erased: Type.Integer() }) } },
    },
    (req) => eraseContacts(req.ctx, req.body.ids),
  );
}
