import { EXPORT } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams } from '../http/schemas.js';
import { eraseContact } from './erase.js';

/** Erasing a contact reaches every feature's data (events, messages, outbox copies), so it sits above them all. */
export function erasureRoutes(app: Api): void {
  app.delete('/api/contacts/:id', { config: EXPORT, schema: { tags: ['contacts'], summary: 'Erase a contact: personal data removed everywhere, anonymous counts kept', params: IdParams } }, async (req, reply) => {
    await eraseContact(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}
